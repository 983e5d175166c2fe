import type { Page, PageRequest } from '../../shared/store.js';
import type { Comment, HistoryEntry, Ticket, TicketStatus, TicketType } from '../model.js';

/** The list filters of docs/api.md#lists-and-pagination; each is served by an index, the rest narrow that one query. */
export interface TicketQuery {
  readonly type?: TicketType;
  readonly status?: TicketStatus;
  readonly priority?: number;
  readonly assignee?: string;
  readonly group?: string;
  readonly requester?: string;
  readonly ciId?: string;
}

/** Whether a ticket satisfies every filter of the query (every store adapter narrows by this). */
export function matchesQuery(ticket: Ticket, query: TicketQuery): boolean {
  return (
    (query.type === undefined || ticket.type === query.type) &&
    (query.status === undefined || ticket.status === query.status) &&
    (query.priority === undefined || ticket.priority === query.priority) &&
    (query.assignee === undefined || ticket.assignee === query.assignee) &&
    (query.group === undefined || ticket.group === query.group) &&
    (query.requester === undefined || ticket.requester.id === query.requester) &&
    (query.ciId === undefined || ticket.ciIds.includes(query.ciId))
  );
}

/**
 * Lets a store answer a read for a write from a copy it holds instead of the table. Safe because
 * every commit is conditional on the version read: a stale copy fails the write, never loses one.
 * `version`: only a copy of exactly this version (an If-Match). `recent`: the latest copy held,
 * whatever its version (a first optimistic attempt; the retry reads without a hint).
 */
export interface ReadHint {
  readonly version?: number;
  readonly recent?: boolean;
}

/** One ticket's part of an atomic commit: the ticket as it becomes, and its history entry. */
export interface TicketWrite {
  /** The ticket as read; absent when creating. The write is conditional on its version. */
  readonly before?: Ticket;
  readonly after: Ticket;
  readonly history: HistoryEntry;
  readonly comment?: Comment;
}

export interface TicketStore {
  /** Next number in the type's sequence (an atomic counter). */
  nextSequence(type: TicketType): Promise<number>;
  /** See ReadHint: without one, the current item. */
  get(id: string, hint?: ReadHint): Promise<Ticket | undefined>;
  /** Writes every part in one transaction; throws StaleWriteError when any `before` is outdated. */
  commit(writes: readonly TicketWrite[]): Promise<void>;
  list(query: TicketQuery, page: PageRequest): Promise<Page<Ticket>>;
  listComments(ticketId: string, page: PageRequest, options: { publicOnly: boolean }): Promise<Page<Comment>>;
  listHistory(ticketId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
  /** Tickets whose next SLA deadline is at or before `until`, earliest first (the sparse index). */
  listSlaDue(until: string, page: PageRequest): Promise<Page<Ticket>>;
  /** Tickets created in [from, to), newest first (one indexed range query per page). */
  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Ticket>>;
}
