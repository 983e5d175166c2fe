import { describe, expect, it } from 'vitest';
import { allowedChangeTransitions, isFinalChangeStatus } from '../../functions/changes/lifecycle.js';
import { CHANGE_STATUSES, type Change } from '../../functions/changes/model.js';
import {
  approvalDecided,
  approvalDecisionVoided,
  approvalRequested,
  assessed,
  cancelled,
  closed,
  implementationDeadline,
  implementationRecorded,
  implementationReported,
  newChange,
  rejected,
  scheduled,
  submitted,
} from '../../functions/changes/rules.js';
import { ConflictError, ValidationError } from '../../functions/shared/errors.js';
import { agent, approver, change, changeInput, inHours, stamp } from './changes-fixtures.js';

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((e) => e.path);
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('a new change', () => {
  it('is a draft owned by its submitter, with the window, plans and groups as given', () => {
    const created = newChange('CHG-000007', changeInput({ ciIds: ['a', 'a', 'b'] }), agent, stamp(), 'arn:x');
    expect(created).toMatchObject({
      id: 'CHG-000007',
      status: 'draft',
      risk: null,
      ciIds: ['a', 'b'],
      approvals: [],
      requester: { id: 'ann' },
      submittedBy: { id: 'ann', name: 'ann' },
      executionArn: 'arn:x',
      version: 1,
    });
  });

  it.each([
    ['an end before the start', { plannedStart: inHours(50), plannedEnd: inHours(48) }, ['plannedEnd']],
    ['an end equal to the start', { plannedStart: inHours(48), plannedEnd: inHours(48) }, ['plannedEnd']],
    ['a window over 14 days', { plannedStart: inHours(1), plannedEnd: inHours(14 * 24 + 2) }, ['plannedEnd']],
    ['a window already over', { plannedStart: inHours(-5), plannedEnd: inHours(-1) }, ['plannedEnd']],
    [
      'a start more than 180 days ahead',
      { plannedStart: inHours(181 * 24), plannedEnd: inHours(181 * 24 + 1) },
      ['plannedStart'],
    ],
    ['a normal change without approval groups', { approvalGroups: [] }, ['approvalGroups']],
    ['an emergency naming approval groups', { type: 'emergency' as const }, ['approvalGroups']],
    ['a standard change naming approval groups', { type: 'standard' as const }, ['approvalGroups']],
  ])('refuses %s, naming the field', (_, overrides, fields) => {
    expect(fieldsOf(() => newChange('', changeInput(overrides), agent, stamp(), ''))).toEqual(fields);
  });

  it('accepts a window that started already but has not ended (an emergency under way)', () => {
    const input = changeInput({
      type: 'emergency',
      approvalGroups: [],
      plannedStart: inHours(-1),
      plannedEnd: inHours(1),
    });
    expect(newChange('', input, agent, stamp(), '').status).toBe('draft');
  });
});

describe('lifecycle', () => {
  it('ends in closed, rejected, cancelled and failed only', () => {
    expect(CHANGE_STATUSES.filter(isFinalChangeStatus)).toEqual([
      'closed',
      'rejected',
      'cancelled',
      'failed',
    ]);
  });

  it('allows cancelling until implementation starts, never after', () => {
    const cancellable = CHANGE_STATUSES.filter((s) => allowedChangeTransitions(s).includes('cancelled'));
    expect(cancellable).toEqual(['draft', 'assessing', 'pending_approval', 'scheduled']);
  });

  it('answers an illegal move with 409 naming the allowed ones', () => {
    const implementing = change({ status: 'implementing' });
    try {
      cancelled(implementing, 'no', agent, stamp());
      throw new Error('expected a conflict');
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).extensions).toEqual({
        from: 'implementing',
        to: 'cancelled',
        allowed: ['review', 'failed'],
      });
    }
  });
});

describe('workflow steps', () => {
  const eventsOf = (step: { history: { events: readonly { detailType: string }[] } }) =>
    step.history.events.map((e) => e.detailType);

  it('submitting emits Change Submitted and the status change, each naming the change', () => {
    const step = submitted(change(), stamp());
    expect(step.change).toMatchObject({ status: 'assessing', version: 2 });
    expect(eventsOf(step)).toEqual(['Change Submitted', 'Change Status Changed']);
    for (const event of step.history.events) expect(event.detail.changeId).toBe('CHG-000001');
    expect(step.history).toMatchObject({ action: 'submitted', actor: { id: 'workflow' } });
    expect(step.history.changes).toEqual([{ field: 'status', from: 'draft', to: 'assessing' }]);
  });

  const risk = { level: 'low' as const, score: 0, reasons: [] };
  const assessing = change({ status: 'assessing' });

  it('assessment routes to approvals, to scheduling, or rejects on a blocking freeze', () => {
    const withApprovals = assessed(
      assessing,
      { risk, conflicts: [], plan: { cab: ['network'], changeManager: [] } },
      stamp(),
    );
    expect(withApprovals.change.status).toBe('pending_approval');
    const without = assessed(
      assessing,
      { risk, conflicts: [], plan: { cab: [], changeManager: [] } },
      stamp(),
    );
    expect(without.change).toMatchObject({ status: 'assessing', risk });
    expect(eventsOf(without)).toEqual(['Change Assessed']);
    const freeze = {
      kind: 'freeze' as const,
      freezeWindowId: 'q4',
      name: 'Q4',
      start: inHours(0),
      end: inHours(99),
      blocking: true,
    };
    const blocked = assessed(
      assessing,
      { risk, conflicts: [freeze], plan: { cab: ['network'], changeManager: [] } },
      stamp(),
    );
    expect(blocked.change).toMatchObject({
      status: 'rejected',
      statusReason: 'planned window falls in freeze window q4',
    });
    expect(eventsOf(blocked)).toEqual(['Change Assessed', 'Change Rejected', 'Change Status Changed']);
  });

  const pending = (): Change =>
    approvalRequested(change({ status: 'pending_approval' }), 'cab', 'network', stamp())!.change;

  it('an approval is requested once; asking again changes nothing', () => {
    const requested = pending();
    expect(requested.approvals).toEqual([
      expect.objectContaining({ stage: 'cab', group: 'network', status: 'pending' }),
    ]);
    expect(approvalRequested(requested, 'cab', 'network', stamp())).toBeUndefined();
  });

  it('a decision records who, when and why, and can be voided back to pending', () => {
    const before = pending();
    const decided = approvalDecided(
      before,
      before.approvals[0]!,
      'reject',
      'not now',
      approver,
      stamp(inHours(1)),
    );
    expect(decided.change.approvals[0]).toMatchObject({
      status: 'rejected',
      decision: 'reject',
      approver: 'cara',
      comment: 'not now',
      decidedAt: inHours(1),
    });
    expect(decided.history.actor.id).toBe('cara');
    const voided = approvalDecisionVoided(decided.change, decided.change.approvals[0]!, 'timed out', stamp());
    expect(voided.change.approvals[0]).toMatchObject({ status: 'pending', decision: null, approver: null });
    expect(eventsOf(voided)).toEqual(['Change Approval Decision Voided']);
    expect(() =>
      approvalDecided(decided.change, decided.change.approvals[0]!, 'approve', null, approver, stamp()),
    ).toThrow(ConflictError);
  });

  it('scheduling after approvals emits Change Approved; rejecting withdraws what is still pending', () => {
    const approved = scheduled(pending(), stamp());
    expect(eventsOf(approved)).toEqual(['Change Approved', 'Change Scheduled', 'Change Status Changed']);
    const ended = rejected(pending(), 'expired', 'approval_expired', stamp());
    expect(ended.change.approvals[0]?.status).toBe('withdrawn');
    expect(ended.change.statusReason).toBe('expired');
  });

  it('the implementation report decides between review and failed', () => {
    const implementing = change({ status: 'implementing' });
    const success = implementationReported(
      implementing,
      'partially_successful',
      'one of two',
      agent,
      stamp(),
    );
    expect(implementationRecorded(success.change, stamp()).change.status).toBe('review');
    const failure = implementationReported(implementing, 'failed', 'rolled back', agent, stamp());
    const failed = implementationRecorded(failure.change, stamp());
    expect(failed.change.status).toBe('failed');
    expect(eventsOf(failed)).toEqual(['Change Failed', 'Change Status Changed']);
    expect(() => implementationReported(success.change, 'successful', null, agent, stamp())).toThrow(
      /already reported/,
    );
    expect(() =>
      implementationReported(change({ status: 'scheduled' }), 'successful', null, agent, stamp()),
    ).toThrow(ConflictError);
  });

  it('the implementation is due plannedEnd + 4 h', () => {
    expect(implementationDeadline({ plannedEnd: '2026-12-01T10:00:00.000Z' })).toBe(
      '2026-12-01T14:00:00.000Z',
    );
  });

  it('closing says when no review was done', () => {
    expect(closed(change({ status: 'review' }), stamp()).change.statusReason).toBeNull();
    expect(closed(change({ status: 'review' }), stamp(), 14).change.statusReason).toBe(
      'closed without a review after 14 days',
    );
  });
});
