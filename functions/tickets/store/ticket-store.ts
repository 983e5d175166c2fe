import type { Page, PageRequest } from '../../shared/store.js';
import type { Comment, HistoryEntry, Ticket, TicketType } from '../model.js';
import { facetsOf, matchesFacets, type TicketQuery } from '../queue.js';

export type { TicketQuery } from '../queue.js';

/** Whether a ticket satisfies every filter of the query (every store adapter narrows by this). */
export function matchesQuery(ticket: Ticket, query: TicketQuery): boolean {
  return matchesFacets(facetsOf(ticket), query);
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
  /**
   * A page of the query in its sort (newest first by default), from the index partitions
   * ticket-keys.ts `planQuery` names, merged, narrowed by the other filters.
   */
  list(query: TicketQuery, page: PageRequest): Promise<Page<Ticket>>;
  listComments(ticketId: string, page: PageRequest, options: { publicOnly: boolean }): Promise<Page<Comment>>;
  listHistory(ticketId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
  /** Tickets whose next SLA deadline is at or before `until`, earliest first (the sparse index). */
  listSlaDue(until: string, page: PageRequest): Promise<Page<Ticket>>;
  /** Tickets created in [from, to), newest first (one indexed range query per page). */
  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Ticket>>;
}
