import { describe, expect, it } from 'vitest';
import { changeConflicts, freezeConflicts, windowsOverlap } from '../../functions/changes/conflicts.js';
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
        ciIds: ['app-1', 'db-1'],
        plannedStart: inHours(9),
        plannedEnd: inHours(10.5),
      },
      {
        kind: 'change',
        changeId: 'CHG-000003',
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
  const freeze = (id: string, start: number, end: number, ciIds: string[] = []): FreezeWindow => ({
    id,
    name: id,
    start: inHours(start),
    end: inHours(end),
    reason: null,
    ciIds,
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
});
