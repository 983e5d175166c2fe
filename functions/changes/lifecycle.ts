import { ConflictError } from '../shared/errors.js';
import type { ChangeStatus } from './model.js';

/**
 * The change lifecycle (docs/changes.md#lifecycle) as data: `draft → assessing → pending_approval → scheduled → implementing →
 * review → closed`, with `rejected`, `cancelled` and `failed` as ends. Cancelling is possible until
 * implementation starts (as ServiceNow allows up to Implement).
 */
const TRANSITIONS: Readonly<Record<ChangeStatus, readonly ChangeStatus[]>> = {
  draft: ['assessing', 'cancelled'],
  assessing: ['pending_approval', 'scheduled', 'rejected', 'cancelled'],
  pending_approval: ['scheduled', 'rejected', 'cancelled'],
  scheduled: ['implementing', 'cancelled'],
  implementing: ['review', 'failed'],
  review: ['closed'],
  closed: [],
  rejected: [],
  cancelled: [],
  failed: [],
};

export function allowedChangeTransitions(from: ChangeStatus): readonly ChangeStatus[] {
  return TRANSITIONS[from];
}

export function isFinalChangeStatus(status: ChangeStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Statuses in which a change still holds its window: they take part in conflict detection. */
export const ACTIVE_CHANGE_STATUSES: readonly ChangeStatus[] = [
  'assessing',
  'pending_approval',
  'scheduled',
  'implementing',
];

/** 409 naming the allowed moves, like an illegal ticket transition. */
export function assertChangeTransition(id: string, from: ChangeStatus, to: ChangeStatus): void {
  const allowed = TRANSITIONS[from];
  if (allowed.includes(to)) return;
  throw new ConflictError(
    `change ${id} cannot move from ${from} to ${to}` +
      (allowed.length ? `; allowed: ${allowed.join(', ')}` : `; ${from} is final`),
    { code: 'invalid_transition', from, to, allowed },
  );
}
