import { INDEXES, type IndexName, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { MergeKeys } from '../../shared/merged-pages.js';
import { nextSlaDeadline } from '../../sla/sweep.js';
import type { Ticket } from '../model.js';
import type { TicketQuery } from './ticket-store.js';

/**
 * Ticket items in the single table (docs/architecture.md explains the layout):
 *   TICKET#<id>  TICKET                     the ticket (all list indexes project it)
 *   TICKET#<id>  CI#<ciId>                  membership in the byCi index
 *   TICKET#<id>  COMMENT#<at>#<ulid>        comments, oldest first
 *   TICKET#<id>  HISTORY#<at>#<ulid>        history (shared/dynamodb/keys.ts)
 */
export const ticketKey = (id: string) => ({ PK: `TICKET#${id}`, SK: 'TICKET' });
export const ciMembershipKey = (ticketId: string, ciId: string) => ({
  PK: `TICKET#${ticketId}`,
  SK: `CI#${ciId}`,
});
export const commentKey = (ticketId: string, createdAt: string, id: string) => ({
  PK: `TICKET#${ticketId}`,
  SK: `COMMENT#${createdAt}#${id}`,
});
export const COMMENT_PREFIX = 'COMMENT#';
/** The one partition of the SLA deadline index (a range query on time serves the sweeper). */
export const SLA_PARTITION = 'SLA';

/** Values of the ticket's list-index keys; absent ones keep the ticket out of that sparse index. */
export function ticketIndexKeys(ticket: Ticket): Record<string, string> {
  const keys: Record<string, string> = {
    [INDEXES.byKind.partitionKey]: 'TICKET',
    [INDEXES.byType.partitionKey]: `ticket#${ticket.type}`,
    [INDEXES.byStatus.partitionKey]: `ticket#${ticket.status}`,
    [INDEXES.byPriority.partitionKey]: `ticket#${ticket.priority}`,
    [INDEXES.byRequester.partitionKey]: `ticket#${ticket.requester.id}`,
    [LIST_SORT_KEY]: `${ticket.createdAt}#${ticket.id}`,
  };
  if (ticket.assignee) keys[INDEXES.byAssignee.partitionKey] = `ticket#${ticket.assignee}`;
  if (ticket.group) keys[INDEXES.byGroup.partitionKey] = `ticket#${ticket.group}`;
  // The sweeper's next visit: an SLA threshold, an owed notification, or the auto-close.
  const deadline = [nextSlaDeadline(ticket), ticket.autoCloseAt ?? undefined].filter(Boolean).sort()[0];
  if (deadline) {
    keys[INDEXES.bySlaDeadline.partitionKey] = SLA_PARTITION;
    keys[INDEXES.bySlaDeadline.sortKey] = `${deadline}#${ticket.id}`;
  }
  return keys;
}

/**
 * The index a ticket query reads, most selective first; the other filters narrow its results.
 * Requester and assignee partitions are small; status and type ones are large.
 */
export function indexForQuery(query: TicketQuery): { index: IndexName; value: string } {
  if (query.requester !== undefined) return { index: 'byRequester', value: `ticket#${query.requester}` };
  if (query.requesters?.length === 1) return { index: 'byRequester', value: `ticket#${query.requesters[0]}` };
  if (query.assignee !== undefined) return { index: 'byAssignee', value: `ticket#${query.assignee}` };
  if (query.ciId !== undefined) return { index: 'byCi', value: `ticket#${query.ciId}` };
  if (query.group !== undefined) return { index: 'byGroup', value: `ticket#${query.group}` };
  if (query.priority !== undefined) return { index: 'byPriority', value: `ticket#${query.priority}` };
  if (query.status !== undefined) return { index: 'byStatus', value: `ticket#${query.status}` };
  if (query.type !== undefined) return { index: 'byType', value: `ticket#${query.type}` };
  return { index: 'byKind', value: 'TICKET' };
}

/**
 * The requesters of a query that lists several (`requesters`), each a byRequester partition read
 * through shared/merged-pages.ts; undefined when the query reads one index partition.
 */
export function requesterPartitions(query: TicketQuery): string[] | undefined {
  if (query.requesters === undefined) return undefined;
  const requesters = [...new Set(query.requesters)];
  return requesters.length === 1 ? undefined : requesters;
}

/** A query over several requesters narrowed to one of them (none left: an empty `requesters`). */
export function forRequester(query: TicketQuery, requester: string): TicketQuery {
  const { requesters: _requesters, ...rest } = query;
  return { ...rest, requester };
}

/** How a list over several requesters orders tickets and resumes each partition (the byRequester index keys). */
export const REQUESTER_MERGE_KEYS: MergeKeys<Ticket> = {
  sortKeyOf: (ticket) => `${ticket.createdAt}#${ticket.id}`,
  frontierOf: (lastKey) => String(lastKey[LIST_SORT_KEY]),
  resumeKeyOf: (ticket) => ({
    ...ticketKey(ticket.id),
    [INDEXES.byRequester.partitionKey]: `ticket#${ticket.requester.id}`,
    [LIST_SORT_KEY]: `${ticket.createdAt}#${ticket.id}`,
  }),
};
