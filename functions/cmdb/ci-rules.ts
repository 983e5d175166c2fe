import { actorOf, type Caller, isAdmin } from '../shared/authz.js';
import { ConflictError } from '../shared/errors.js';
import {
  CI_INPUT_FIELDS,
  CI_STATUSES,
  CI_TRANSITIONS,
  type Ci,
  type CiHistoryEntry,
  type CiInput,
  type CiStatus,
  CMDB_LIMITS,
} from './model.js';

/** When a write happens and the id of its history entry (also the events' id). */
export interface Stamp {
  readonly now: string;
  readonly eventId: string;
}

/** The CI a PUT makes: the input over the read-only fields (a new CI's closure starts empty). */
export function ciFromInput(id: string, input: CiInput, before: Ci | undefined, stamp: Stamp): Ci {
  return {
    ...input,
    id,
    closure: before?.closure ?? { serviceIds: [], computedAt: null, truncated: false },
    version: (before?.version ?? 0) + 1,
    createdAt: before?.createdAt ?? stamp.now,
    updatedAt: stamp.now,
  };
}

/**
 * Lifecycle rules of docs/cmdb.md#lifecycle: a CI is created in any status but retired; moves
 * follow CI_TRANSITIONS; only an admin brings a CI back from retired (to any status).
 */
export function assertStatusMove(before: Ci | undefined, status: CiStatus, caller: Caller): void {
  if (!before) {
    if (status === 'retired')
      // No `from`: the CI has no status yet (the problem's `from` is always a status).
      throw new ConflictError('A CI cannot be created retired', {
        code: 'invalid_transition',
        to: status,
        allowed: CI_STATUSES.filter((s) => s !== 'retired'),
      });
    return;
  }
  if (before.status === status) return;
  if (before.status === 'retired') {
    if (isAdmin(caller)) return;
    throw new ConflictError('Only an admin may bring a retired CI back', {
      code: 'invalid_transition',
      from: before.status,
      to: status,
      allowed: [],
    });
  }
  const allowed = CI_TRANSITIONS[before.status];
  if (!allowed.includes(status)) {
    throw new ConflictError(`A CI cannot move from ${before.status} to ${status}`, {
      code: 'invalid_transition',
      from: before.status,
      to: status,
      allowed,
    });
  }
}

/** Field-level from→to for history; values compared structurally. */
export function ciChanges(before: Ci, after: Ci): { field: string; from: unknown; to: unknown }[] {
  return CI_INPUT_FIELDS.filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  ).map((field) => ({ field, from: before[field] ?? null, to: after[field] ?? null }));
}

/**
 * The history entry of a CI write and its events: `CI Created`, or `CI Updated` with the changes
 * plus `CI Status Changed` on a status move. A service's writes raise `Service Updated` instead.
 */
export function ciWriteHistory(
  before: Ci | undefined,
  after: Ci,
  caller: Caller,
  stamp: Stamp,
  options: { readonly service: boolean },
): CiHistoryEntry | undefined {
  const base = { id: stamp.eventId, recordId: after.id, at: stamp.now, actor: actorOf(caller) };
  if (!before) {
    const detail = { ciId: after.id, class: after.class, name: after.name, status: after.status };
    return {
      ...base,
      action: 'created',
      changes: [],
      events: [
        {
          detailType: options.service ? 'Service Updated' : 'CI Created',
          detail: { ...detail, created: true },
        },
      ],
    };
  }
  const changes = ciChanges(before, after);
  if (changes.length === 0) return undefined;
  const events: CiHistoryEntry['events'] = options.service
    ? [{ detailType: 'Service Updated', detail: { ciId: after.id, changes } }]
    : [
        { detailType: 'CI Updated', detail: { ciId: after.id, changes } },
        ...(before.status !== after.status
          ? [
              {
                detailType: 'CI Status Changed',
                detail: { ciId: after.id, from: before.status, to: after.status },
              },
            ]
          : []),
      ];
  return { ...base, action: 'updated', changes, events };
}

/**
 * When `CI Warranty Expiring` is owed (30 days before `warrantyUntil`, at midnight UTC), or what
 * the due marker should become: `undefined` keeps it (warranty unchanged), `null` removes it
 * (no warranty, retired, or already past).
 */
export function warrantyNoticeAt(
  before: Ci | undefined,
  after: Ci,
  today: string,
): string | null | undefined {
  const until = after.asset.warrantyUntil;
  const retiredNow = after.status === 'retired';
  if (before && before.asset.warrantyUntil === until && (before.status === 'retired') === retiredNow)
    return undefined;
  if (!until || retiredNow || until < today) return null;
  const at = new Date(`${until}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - CMDB_LIMITS.warrantyNoticeDays);
  return at.toISOString();
}
