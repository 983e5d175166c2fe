/** The authenticated caller, as the JWT authorizer describes them (docs/api.md#authentication-and-roles). */
export const ROLES = ['requester', 'agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly roles: ReadonlySet<Role>;
  /**
   * The people their verified email address makes them (functions/shared/people.ts): the person
   * id and the address mail-created tickets named before person ids. Absent or empty: none (no
   * email claim, or one the token does not vouch for).
   */
  readonly personIds?: readonly string[];
}

/** Every id a ticket may name this caller by as its requester: their own, then their person ids. */
export function requesterIdsOf(caller: Caller): readonly string[] {
  const ids = caller.personIds ?? [];
  return ids.length === 0 ? [caller.id] : [...new Set([caller.id, ...ids])];
}

/** Agents and admins work tickets: everything on every ticket. */
export function isStaff(caller: Caller): boolean {
  return caller.roles.has('agent') || caller.roles.has('admin');
}

/** Staff and approvers ("agent read rights") may read every ticket, internal notes included. */
export function canReadAllTickets(caller: Caller): boolean {
  return isStaff(caller) || caller.roles.has('approver');
}

export function isAdmin(caller: Caller): boolean {
  return caller.roles.has('admin');
}

/** Who the history and events name as having acted. */
export function actorOf(caller: Caller): { id: string; name: string | null } {
  return { id: caller.id, name: caller.name };
}
