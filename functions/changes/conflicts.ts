import { ACTIVE_CHANGE_STATUSES } from './lifecycle.js';
import type { Change, ChangeType, Conflict, FreezeWindow } from './model.js';

/** Half-open windows `[start, end)`: one ending exactly when the next starts does not overlap. */
export function windowsOverlap(
  a: { readonly start: string; readonly end: string },
  b: { readonly start: string; readonly end: string },
): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}

export type ConflictSubject = Pick<Change, 'id' | 'ciIds' | 'plannedStart' | 'plannedEnd'>;

/**
 * Other changes that hold an overlapping window on a shared CI (docs/changes.md#risk-conflicts-freeze-windows), as ServiceNow's "CI
 * already scheduled" conflict. Only changes still in flight count: a rejected, cancelled, closed
 * or failed change no longer claims its window, and a draft has not claimed it yet.
 */
export function changeConflicts(change: ConflictSubject, others: readonly Change[]): Conflict[] {
  const mine = new Set(change.ciIds);
  const window = { start: change.plannedStart, end: change.plannedEnd };
  return others
    .filter((other) => other.id !== change.id && ACTIVE_CHANGE_STATUSES.includes(other.status))
    .filter((other) => windowsOverlap(window, { start: other.plannedStart, end: other.plannedEnd }))
    .map((other) => ({ other, shared: other.ciIds.filter((ci) => mine.has(ci)) }))
    .filter(({ shared }) => shared.length > 0)
    .sort((a, b) => a.other.id.localeCompare(b.other.id))
    .map(({ other, shared }) => ({
      kind: 'change' as const,
      changeId: other.id,
      ciIds: shared,
      plannedStart: other.plannedStart,
      plannedEnd: other.plannedEnd,
    }));
}

/**
 * Freeze windows the change's window meets. A freeze with no CIs covers every CI. It blocks normal
 * and standard changes; an emergency change passes, with the freeze recorded and its risk raised.
 */
export function freezeConflicts(
  change: ConflictSubject & { readonly type: ChangeType },
  freezes: readonly FreezeWindow[],
): Conflict[] {
  const window = { start: change.plannedStart, end: change.plannedEnd };
  return freezes
    .filter((freeze) => windowsOverlap(window, freeze))
    .filter((freeze) => freeze.ciIds.length === 0 || freeze.ciIds.some((ci) => change.ciIds.includes(ci)))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((freeze) => ({
      kind: 'freeze' as const,
      freezeWindowId: freeze.id,
      name: freeze.name,
      start: freeze.start,
      end: freeze.end,
      blocking: change.type !== 'emergency',
    }));
}
