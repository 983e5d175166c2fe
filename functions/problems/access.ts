import { type Caller, canReadAllTickets, isStaff } from '../shared/authz.js';
import { ForbiddenError } from '../shared/errors.js';

/**
 * Known error authorization (docs/problems.md#who-may-do-what): agents and admins write and apply;
 * agents, approvers and admins read all; requesters read published public ones only (others 404).
 */
export function assertKnownErrorWriter(caller: Caller, action: string): void {
  if (!isStaff(caller)) throw new ForbiddenError(`only agents and admins may ${action}`);
}

export function readsAllKnownErrors(caller: Caller): boolean {
  return canReadAllTickets(caller);
}

/** The per-ticket routes (suggestions, apply): staff knowledge. */
export function assertSuggestionReader(caller: Caller): void {
  if (!isStaff(caller)) throw new ForbiddenError('only agents and admins may see known error suggestions');
}
