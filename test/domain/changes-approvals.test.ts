import { describe, expect, it } from 'vitest';
import { approvalPlan, needsApproval, pendingApprovalsFor } from '../../functions/changes/approvals.js';
import type { Approval } from '../../functions/changes/model.js';
import type { Group } from '../../functions/groups/model.js';
import { approver, inHours } from './changes-fixtures.js';

describe('approval plan', () => {
  it.each([
    ['standard, low', 'standard', 'low', [], [], []],
    ['standard, high', 'standard', 'high', [], [], ['change-managers']],
    ['normal, medium', 'normal', 'medium', ['network', 'database'], ['network', 'database'], []],
    ['normal, high', 'normal', 'high', ['network'], ['network'], ['change-managers']],
    ['normal, high, managers already asked', 'normal', 'high', ['change-managers'], ['change-managers'], []],
    ['normal, duplicate groups', 'normal', 'low', ['network', 'network'], ['network'], []],
    ['emergency, medium', 'emergency', 'medium', [], ['ecab'], []],
    ['emergency, high', 'emergency', 'high', [], ['ecab'], ['change-managers']],
  ] as const)('%s', (_, type, risk, groups, cab, changeManager) => {
    const plan = approvalPlan(type, risk, groups);
    expect(plan).toEqual({ cab, changeManager });
    expect(needsApproval(plan)).toBe(cab.length + changeManager.length > 0);
  });
});

describe('pending approvals of a caller', () => {
  const approval = (group: string, status: Approval['status']): Approval => ({
    stage: 'cab',
    group,
    status,
    approver: null,
    decision: null,
    comment: null,
    requestedAt: inHours(0),
    escalatedAt: null,
    decidedAt: null,
  });
  const group = (id: string, members: string[]): Group =>
    // Only id and members matter here; the rest of the record belongs to the groups feature.
    ({
      id,
      name: id,
      members,
      email: null,
      createdAt: inHours(0),
      updatedAt: inHours(0),
      version: 1,
    }) as unknown as Group;

  it('are the pending ones of groups listing the caller as a member', () => {
    const groups = new Map([
      ['network', group('network', ['cara'])],
      ['database', group('database', ['dan'])],
      ['storage', group('storage', ['cara'])],
    ]);
    const approvals = [
      approval('network', 'pending'),
      approval('database', 'pending'),
      approval('storage', 'approved'),
    ];
    expect(pendingApprovalsFor(approvals, groups, approver).map((a) => a.group)).toEqual(['network']);
  });

  it('are none when the group record is missing', () => {
    expect(pendingApprovalsFor([approval('network', 'pending')], new Map(), approver)).toEqual([]);
  });
});
