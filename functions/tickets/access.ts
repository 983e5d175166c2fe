import { type Caller, canReadAllTickets, isStaff, requesterIdsOf } from '../shared/authz.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { type Comment, TICKET_ID_PATTERN, type Ticket } from './model.js';
import type { ReadHint, TicketStore } from './store/ticket-store.js';

/**
 * Ticket authorization, decided in the domain (docs/api.md#authentication-and-roles): a caller who may not see a ticket gets
 * 404 as if it did not exist; one who may see it but not act gets 403. The requester is whoever the
 * ticket names: the caller by their own id, or by a person id their verified address gives them
 * (docs/api.md#one-person-across-channels), so a ticket opened by mail is its sender's on the API too.
 */
export function isRequesterOf(ticket: Ticket, caller: Caller): boolean {
  return requesterIdsOf(caller).includes(ticket.requester.id);
}

export function canSee(ticket: Ticket, caller: Caller): boolean {
  return canReadAllTickets(caller) || isRequesterOf(ticket, caller);
}

/** Reads a ticket by id; a malformed id is 404 without a read. */
export function readTicket(
  store: Pick<TicketStore, 'get'>,
  id: string,
  hint?: ReadHint,
): Promise<Ticket | undefined> {
  if (!TICKET_ID_PATTERN.test(id)) return Promise.reject(new NotFoundError(`ticket ${id} does not exist`));
  return store.get(id, hint);
}

/**
 * Reads a ticket the caller may see, else 404. A hint lets the store answer from its copy, for
 * reads that a conditional write follows.
 */
export async function readVisibleTicket(
  store: Pick<TicketStore, 'get'>,
  caller: Caller,
  id: string,
  hint?: ReadHint,
): Promise<Ticket> {
  return visibleTo(await readTicket(store, id, hint), caller, id);
}

/** Throws 404 unless the caller may see the ticket; returns it for chaining. */
export function visibleTo(ticket: Ticket | undefined, caller: Caller, id: string): Ticket {
  if (!ticket || !canSee(ticket, caller)) throw new NotFoundError(`ticket ${id} does not exist`);
  return ticket;
}

/** Internal notes are for those with agent read rights; requesters never see them. */
export function canSeeComment(comment: Comment, caller: Caller): boolean {
  return comment.visibility === 'public' || canReadAllTickets(caller);
}

export function assertStaff(caller: Caller, action: string): void {
  if (!isStaff(caller)) throw new ForbiddenError(`only agents and admins may ${action}`);
}

/**
 * The ticket as this caller reads it: `suggestedKnownErrors` (docs/problems.md#suggestions) and
 * `metrics` (docs/ticket-metrics.md#metrics) are for agent read rights only; requesters get the
 * ticket without them.
 */
export function forCaller(
  ticket: Ticket,
  caller: Caller,
): Ticket | Omit<Ticket, 'suggestedKnownErrors' | 'metrics' | 'alert'> {
  if (canReadAllTickets(caller)) return ticket;
  // The alert block (labels, generator URLs, counters) is the monitoring side's: staff only.
  const { suggestedKnownErrors: _hidden, metrics: _agentsOnly, alert: _staffOnly, ...rest } = ticket;
  return rest;
}

/** Fields a requester may change on their own ticket while it is still `new`. */
export const REQUESTER_EDITABLE_FIELDS = ['title', 'description'] as const;

/**
 * The ticket as `caller` may see it: a requester sees a catalog request's fulfilment tasks as
 * names and statuses only (docs/catalog.md#fulfilment); instructions, notes and assignees are the
 * fulfillers' working notes.
 */
export function asSeenBy(ticket: Ticket, caller: Caller): Ticket {
  if (canReadAllTickets(caller) || ticket.tasks.length === 0) return ticket;
  return {
    ...ticket,
    tasks: ticket.tasks.map((task) => ({ ...task, instructions: null, assignee: null, notes: null })),
  };
}
