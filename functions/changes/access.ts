import { type Caller, canReadAllTickets, isAdmin, isStaff } from '../shared/authz.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import type { Change } from './model.js';

/**
 * Change authorization (docs/changes.md#api): agents, approvers and admins read every change; a requester
 * reads the changes raised for them (`requester`), and nothing else: a change they may not see is
 * a 404, exactly like one that does not exist. Seeing a change but not being allowed the action
 * is a 403.
 */
export function canSeeChange(change: Change, caller: Caller): boolean {
  return canReadAllTickets(caller) || change.requester.id === caller.id;
}

export function visibleChange(change: Change | undefined, caller: Caller, id: string): Change {
  if (!change || !canSeeChange(change, caller)) throw new NotFoundError(`change ${id} does not exist`);
  return change;
}

/**
 * The change as `caller` may see it: a requester does not learn, through `conflicts`, the id, CIs
 * and window of another change they would get 404 for. Freeze windows are shared configuration, not
 * someone's record, so they stay (the risk reasons and a rejection name them anyway).
 */
export function asSeenBy(change: Change, caller: Caller): Change {
  if (canReadAllTickets(caller) || !change.conflicts.some((conflict) => conflict.kind === 'change')) {
    return change;
  }
  return { ...change, conflicts: change.conflicts.filter((conflict) => conflict.kind !== 'change') };
}

/** Agents (and admins, who may do everything agents may) create and work changes. */
export function assertChangeWorker(caller: Caller, action: string): void {
  if (!isStaff(caller)) throw new ForbiddenError(`only agents and admins may ${action}`);
}

/** Approvals are decided by approvers only: agent or admin rights do not include a CAB vote. */
export function assertApprover(caller: Caller): void {
  if (!caller.roles.has('approver')) throw new ForbiddenError('only approvers may decide approvals');
}

/** Freeze windows are configuration: admins write them, everyone with agent read rights reads them. */
export function assertFreezeWindowAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may change freeze windows');
}

export function assertFreezeWindowReader(caller: Caller): void {
  if (!canReadAllTickets(caller)) {
    throw new ForbiddenError('only agents, approvers and admins may read freeze windows');
  }
}
