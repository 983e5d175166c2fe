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
  /**
   * Any of these requesters: one list over several byRequester partitions, newest first (a
   * requester's own tickets under their id and their person ids; at most a few, each one query).
   */
  readonly requesters?: readonly string[];
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
    (query.requesters === undefined || query.requesters.includes(ticket.requester.id)) &&
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

/**
 * Writes another store adds to a commit, to land in the same transaction (the mail gateway's note
 * on its claim, its thread record, a sender seen first: docs/email.md#exactly-once). Opaque to
 * the ticket store's callers: an adapter carries the companions of its own `kind` and calls
 * `carried()`; a store that cannot carry one (another kind, or none) leaves it uncalled, and its
 * owner writes those parts apart.
 */
export interface CommitCompanion {
  readonly kind: string;
  carried(): void;
}

export interface TicketStore {
  /** Next number in the type's sequence (an atomic counter). */
  nextSequence(type: TicketType): Promise<number>;
  /** See ReadHint: without one, the current item. */
  get(id: string, hint?: ReadHint): Promise<Ticket | undefined>;
  /**
   * Writes every part in one transaction; throws StaleWriteError when any `before` is outdated.
   * A `companion` this store can carry joins the same transaction (see CommitCompanion).
   */
  commit(writes: readonly TicketWrite[], companion?: CommitCompanion): Promise<void>;
  list(query: TicketQuery, page: PageRequest): Promise<Page<Ticket>>;
  listComments(ticketId: string, page: PageRequest, options: { publicOnly: boolean }): Promise<Page<Comment>>;
  listHistory(ticketId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
  /** Tickets whose next SLA deadline is at or before `until`, earliest first (the sparse index). */
  listSlaDue(until: string, page: PageRequest): Promise<Page<Ticket>>;
  /** Tickets created in [from, to), newest first (one indexed range query per page). */
  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Ticket>>;
}
