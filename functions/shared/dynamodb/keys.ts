import { nextSlaDeadline } from '../../sla/sweep.js';
import type { Ticket } from '../../tickets/model.js';
import type { TicketQuery } from '../../tickets/store/ticket-store.js';
import { INDEXES, type IndexName, keyAttributeNames, LIST_SORT_KEY } from './table-definition.js';

/**
 * Key layout of the single table (docs/architecture.md explains it):
 *   TICKET#<id>  TICKET                     the ticket (all list indexes project it)
 *   TICKET#<id>  CI#<ciId>                  membership in the byCi index
 *   TICKET#<id>  COMMENT#<at>#<ulid>        comments, oldest first
 *   TICKET#<id>  HISTORY#<at>#<ulid>        history; each entry is also the outbox record of its events
 *   COUNTER#<prefix>  COUNTER               per-type id sequence
 *   GROUP#<id>   GROUP                      groups (byKind lists them)
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
export const historyKey = (recordPk: string, at: string, id: string) => ({
  PK: recordPk,
  SK: `HISTORY#${at}#${id}`,
});
export const counterKey = (prefix: string) => ({ PK: `COUNTER#${prefix}`, SK: 'COUNTER' });
export const groupKey = (id: string) => ({ PK: `GROUP#${id}`, SK: 'GROUP' });

export const COMMENT_PREFIX = 'COMMENT#';
/** The one partition of the SLA deadline index (a range query on time serves the sweeper). */
export const SLA_PARTITION = 'SLA';
/** SLA configuration (calendars and policies) under one partition: one Query loads it all. */
export const SLA_CONFIG_PK = 'SLACONFIG';
export const calendarKey = (id: string) => ({ PK: SLA_CONFIG_PK, SK: `CALENDAR#${id}` });
export const policyKey = (id: string) => ({ PK: SLA_CONFIG_PK, SK: `POLICY#${id}` });
export const HISTORY_PREFIX = 'HISTORY#';

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
  if (query.assignee !== undefined) return { index: 'byAssignee', value: `ticket#${query.assignee}` };
  if (query.ciId !== undefined) return { index: 'byCi', value: `ticket#${query.ciId}` };
  if (query.group !== undefined) return { index: 'byGroup', value: `ticket#${query.group}` };
  if (query.priority !== undefined) return { index: 'byPriority', value: `ticket#${query.priority}` };
  if (query.status !== undefined) return { index: 'byStatus', value: `ticket#${query.status}` };
  if (query.type !== undefined) return { index: 'byType', value: `ticket#${query.type}` };
  return { index: 'byKind', value: 'TICKET' };
}

const KEY_ATTRIBUTES = new Set(keyAttributeNames());

/** The record without its key attributes: what the domain sees. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.has(name) && name !== 'expiration') record[name] = value;
  }
  return record as T;
}
