import { actorOf, type Caller } from '../shared/authz.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import {
  type HistoryEntry,
  INVERSE_LINK,
  type StoredLinkType,
  type Ticket,
  type TicketLink,
} from './model.js';
import { diff, type Stamp } from './rules.js';

/** Most links one ticket carries; keeps the ticket item and its transactions bounded. */
export const MAX_LINKS_PER_TICKET = 100;

export interface LinkResult {
  readonly source: Ticket;
  readonly target: Ticket;
  readonly histories: readonly [HistoryEntry, HistoryEntry];
}

/**
 * Links two tickets, storing the link on both (the target carries the inverse type) so either side
 * lists it with one read. `caused_by` runs from an incident or request to a problem (docs/api.md#tickets-in-brief).
 */
export function linkTickets(
  source: Ticket,
  target: Ticket,
  type: StoredLinkType,
  caller: Caller,
  stamps: readonly [Stamp, Stamp],
): LinkResult {
  if (source.id === target.id) {
    throw new ValidationError([{ path: 'targetId', message: 'a ticket cannot link to itself' }]);
  }
  if (type === 'caused_by' && (source.type === 'problem' || target.type !== 'problem')) {
    throw new ValidationError([
      { path: 'targetId', message: 'caused_by links an incident or service request to a problem' },
    ]);
  }
  if (source.links.some((link) => link.targetId === target.id)) {
    const existing = source.links.find((link) => link.targetId === target.id)!;
    throw new ConflictError(`${source.id} is already linked to ${target.id} (${existing.type})`, {
      code: 'duplicate_link',
      existing,
    });
  }
  for (const ticket of [source, target]) {
    if (ticket.links.length >= MAX_LINKS_PER_TICKET) {
      throw new ConflictError(
        `${ticket.id} already has ${MAX_LINKS_PER_TICKET} links, the most a ticket keeps`,
        { code: 'link_limit' },
      );
    }
  }
  if (type === 'duplicate_of' && target.status === 'cancelled') {
    throw new ConflictError(`${target.id} is cancelled and cannot be the original of a duplicate`, {
      code: 'link_target_cancelled',
    });
  }
  const withLink = (ticket: Ticket, link: TicketLink, stamp: Stamp): Ticket => ({
    ...ticket,
    links: [...ticket.links, link],
    updatedAt: stamp.now,
    version: ticket.version + 1,
  });
  const newSource = withLink(source, { type, targetId: target.id }, stamps[0]);
  const newTarget = withLink(target, { type: INVERSE_LINK[type], targetId: source.id }, stamps[1]);
  const history = (before: Ticket, after: Ticket, stamp: Stamp): HistoryEntry => {
    const changes = diff(before, after);
    return {
      id: stamp.eventId,
      recordId: before.id,
      at: stamp.now,
      actor: actorOf(caller),
      action: 'linked',
      changes,
      events: [{ detailType: 'Ticket Updated', detail: { ticketId: before.id, changes } }],
    };
  };
  return {
    source: newSource,
    target: newTarget,
    histories: [history(source, newSource, stamps[0]), history(target, newTarget, stamps[1])],
  };
}
