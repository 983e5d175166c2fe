import { describe, expect, it } from 'vitest';
import {
  type ConflictLinks,
  changeConflicts,
  freezeConflicts,
  MAX_CHANGE_CONFLICTS,
  windowsOverlap,
} from '../../functions/changes/conflicts.js';
import type { ChangeStatus, FreezeWindow } from '../../functions/changes/model.js';
import { change, inHours } from './changes-fixtures.js';

const mine = change({
  id: 'CHG-000010',
  ciIds: ['db-1', 'app-1'],
  plannedStart: inHours(10),
  plannedEnd: inHours(12),
});

function other(id: string, status: ChangeStatus, ciIds: string[], start: number, end: number) {
  return change({ id, status, ciIds, plannedStart: inHours(start), plannedEnd: inHours(end) });
}

describe('windows', () => {
  it.each([
    ['inside', 10.5, 11, true],
    ['overlapping the start', 9, 10.5, true],
    ['covering it', 8, 14, true],
    ['ending exactly at its start', 8, 10, false],
    ['starting exactly at its end', 12, 13, false],
    ['well before', 1, 2, false],
  ])('%s', (_, start, end, expected) => {
    expect(
      windowsOverlap({ start: inHours(10), end: inHours(12) }, { start: inHours(start), end: inHours(end) }),
    ).toBe(expected);
  });
});

describe('conflicting changes', () => {
  it('lists in-flight changes sharing a CI in an overlapping window, with the shared CIs, by id', () => {
    const conflicts = changeConflicts(mine, [
      other('CHG-000003', 'scheduled', ['db-1', 'web-1'], 11, 13),
      other('CHG-000002', 'pending_approval', ['app-1', 'db-1'], 9, 10.5),
    ]);
    expect(conflicts).toEqual([
      {
        kind: 'change',
        changeId: 'CHG-000002',
        via: 'same_ci',
        ciIds: ['app-1', 'db-1'],
        plannedStart: inHours(9),
        plannedEnd: inHours(10.5),
      },
      {
        kind: 'change',
        changeId: 'CHG-000003',
        via: 'same_ci',
        ciIds: ['db-1'],
        plannedStart: inHours(11),
        plannedEnd: inHours(13),
      },
    ]);
  });

  it.each(['draft', 'rejected', 'cancelled', 'closed', 'failed', 'review'] as const)(
    'ignores a %s change: it no longer (or not yet) claims its window',
    (status) => {
      expect(changeConflicts(mine, [other('CHG-000002', status, ['db-1'], 10, 12)])).toEqual([]);
    },
  );

  it('ignores other CIs, other windows and the change itself', () => {
    expect(
      changeConflicts(mine, [
        other('CHG-000002', 'scheduled', ['web-1'], 10, 12),
        other('CHG-000003', 'scheduled', ['db-1'], 12, 13),
        { ...mine, status: 'assessing' },
      ]),
    ).toEqual([]);
  });
});

describe('freeze windows', () => {
  const freeze = (
    id: string,
    start: number,
    end: number,
    ciIds: string[] = [],
    serviceIds: string[] = [],
  ): FreezeWindow => ({
    id,
    name: id,
    start: inHours(start),
    end: inHours(end),
    reason: null,
    ciIds,
    serviceIds,
    createdAt: inHours(0),
    updatedAt: inHours(0),
    version: 1,
  });

  it('block normal and standard changes, let emergencies through', () => {
    const windows = [freeze('all-cis', 11, 20)];
    expect(freezeConflicts({ ...mine, type: 'normal' }, windows)).toEqual([
      {
        kind: 'freeze',
        freezeWindowId: 'all-cis',
        name: 'all-cis',
        start: inHours(11),
        end: inHours(20),
        blocking: true,
      },
    ]);
    expect(freezeConflicts({ ...mine, type: 'standard' }, windows)).toEqual([
      expect.objectContaining({ blocking: true }),
    ]);
    expect(freezeConflicts({ ...mine, type: 'emergency' }, windows)).toEqual([
      expect.objectContaining({ blocking: false }),
    ]);
  });

  it('apply to every CI when they name none, else only to the CIs they name', () => {
    const found = freezeConflicts(mine, [
      freeze('web-only', 10, 12, ['web-1']),
      freeze('db-only', 10, 12, ['db-1']),
      freeze('everything', 10, 12),
      freeze('later', 12, 14),
    ]);
    expect(found.map((c) => (c.kind === 'freeze' ? c.freezeWindowId : ''))).toEqual([
      'db-only',
      'everything',
    ]);
  });

  it('by service: freeze the service itself and every CI of its closure, not everything', () => {
    const windows = [
      freeze('payments-freeze', 10, 12, [], ['payments']),
      freeze('crm-freeze', 10, 12, [], ['crm']),
      freeze('web-or-payroll', 10, 12, ['web-1'], ['payroll']),
    ];
    const ids = (found: ReturnType<typeof freezeConflicts>) =>
      found.map((c) => (c.kind === 'freeze' ? c.freezeWindowId : ''));
    // db-1's closure lists payments: the payments freeze covers it.
    expect(ids(freezeConflicts(mine, windows, ['payments']))).toEqual(['payments-freeze']);
    // Naming the service itself.
    expect(ids(freezeConflicts({ ...mine, ciIds: ['crm'] }, windows))).toEqual(['crm-freeze']);
    // A CI a freeze names, or a service of the closure: either covers.
    expect(ids(freezeConflicts({ ...mine, ciIds: ['web-1'] }, windows, []))).toEqual(['web-or-payroll']);
    expect(ids(freezeConflicts(mine, windows, ['payroll', 'crm']))).toEqual(['crm-freeze', 'web-or-payroll']);
    // Outside every named service's closure: not frozen.
    expect(freezeConflicts(mine, windows, ['billing'])).toEqual([]);
    expect(freezeConflicts({ ...mine, type: 'emergency' }, windows, ['payments'])).toEqual([
      expect.objectContaining({ freezeWindowId: 'payments-freeze', blocking: false }),
    ]);
  });
});

describe('conflicts beyond a shared CI', () => {
  // mine: db-1, app-1. lb-1 is one impact edge from app-1; db-1 and app-1 belong to payments.
  const links: ConflictLinks = {
    neighbours: new Map([
      ['lb-1', ['app-1']],
      ['san-1', ['app-1', 'db-1']],
    ]),
    services: ['payments', 'shop'],
    servicesOf: new Map([
      ['CHG-000004', ['shop', 'payments']],
      ['CHG-000005', ['crm']],
      ['CHG-000006', ['payments']],
      ['CHG-000007', ['payments']],
    ]),
  };

  it('related_ci: CIs one impact edge apart, with the path [mine, theirs]', () => {
    expect(
      changeConflicts(mine, [other('CHG-000003', 'scheduled', ['web-1', 'lb-1'], 10, 12)], links),
    ).toEqual([
      {
        kind: 'change',
        changeId: 'CHG-000003',
        via: 'related_ci',
        ciIds: [],
        path: ['app-1', 'lb-1'],
        plannedStart: inHours(10),
        plannedEnd: inHours(12),
      },
    ]);
    // Next to two of mine: the path starts at the first by id.
    expect(changeConflicts(mine, [other('CHG-000003', 'scheduled', ['san-1'], 10, 12)], links)).toEqual([
      expect.objectContaining({ via: 'related_ci', path: ['app-1', 'san-1'] }),
    ]);
  });

  it('shared_service: closures sharing a live business service, with the serviceId', () => {
    expect(changeConflicts(mine, [other('CHG-000004', 'implementing', ['pay-api'], 11, 13)], links)).toEqual([
      {
        kind: 'change',
        changeId: 'CHG-000004',
        via: 'shared_service',
        ciIds: [],
        serviceId: 'payments',
        plannedStart: inHours(11),
        plannedEnd: inHours(13),
      },
    ]);
    // A service only theirs lists is no link.
    expect(changeConflicts(mine, [other('CHG-000005', 'scheduled', ['crm-db'], 10, 12)], links)).toEqual([]);
  });

  it('one conflict per other change, by the strongest link: same_ci > related_ci > shared_service', () => {
    const conflicts = changeConflicts(
      mine,
      [
        // shared CI, related CI and shared service at once: same_ci
        other('CHG-000006', 'scheduled', ['lb-1', 'db-1'], 10, 12),
        // related CI and shared service: related_ci
        other('CHG-000007', 'scheduled', ['lb-1'], 10, 12),
        // shared service only
        other('CHG-000004', 'scheduled', ['pay-api'], 10, 12),
        // the same change read twice (on a CI and on a service) is still one conflict
        other('CHG-000007', 'scheduled', ['lb-1'], 10, 12),
      ],
      links,
    );
    expect(conflicts.map((c) => (c.kind === 'change' ? [c.changeId, c.via] : []))).toEqual([
      ['CHG-000004', 'shared_service'],
      ['CHG-000006', 'same_ci'],
      ['CHG-000007', 'related_ci'],
    ]);
    expect(conflicts[1]).toEqual(expect.objectContaining({ ciIds: ['db-1'] }));
    expect(conflicts[1]).not.toHaveProperty('path');
    expect(conflicts[2]).not.toHaveProperty('serviceId');
  });

  it('in-flight changes on an overlapping window only, whatever the link', () => {
    expect(
      changeConflicts(
        mine,
        [
          other('CHG-000003', 'closed', ['lb-1'], 10, 12),
          other('CHG-000004', 'scheduled', ['pay-api'], 12, 14),
          other('CHG-000006', 'draft', ['lb-1'], 10, 12),
        ],
        links,
      ),
    ).toEqual([]);
  });

  it(`records at most ${MAX_CHANGE_CONFLICTS}, the strongest first`, () => {
    const many = Array.from({ length: MAX_CHANGE_CONFLICTS + 5 }, (_, i) =>
      other(`CHG-${String(1000 + i).padStart(6, '0')}`, 'scheduled', i < 5 ? ['pay-api'] : ['db-1'], 10, 12),
    );
    const servicesOf = new Map(many.slice(0, 5).map((c) => [c.id, ['payments']]));
    const conflicts = changeConflicts(mine, many, { ...links, servicesOf });
    expect(conflicts).toHaveLength(MAX_CHANGE_CONFLICTS);
    expect(conflicts.every((c) => c.kind === 'change' && c.via === 'same_ci')).toBe(true);
  });
});
