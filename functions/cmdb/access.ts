import { type Caller, canReadAllTickets, isAdmin, isStaff } from '../shared/authz.js';
import { ForbiddenError } from '../shared/errors.js';

/**
 * CMDB authorization (docs/cmdb.md#who-may-do-what): the CMDB is staff knowledge. Agents, approvers
 * and admins read it; agents and admins write CIs and relationships; admins write classes and
 * services. Requesters get 403 on every CMDB route but the service reads, which show them live
 * services only.
 */
export function assertCmdbReader(caller: Caller): void {
  if (!canReadAllTickets(caller))
    throw new ForbiddenError('only agents, approvers and admins may read the CMDB');
}

export function assertCmdbWriter(caller: Caller, action: string): void {
  if (!isStaff(caller)) throw new ForbiddenError(`only agents and admins may ${action}`);
}

export function assertCmdbAdmin(caller: Caller, action: string): void {
  if (!isAdmin(caller)) throw new ForbiddenError(`only admins may ${action}`);
}
