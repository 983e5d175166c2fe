import { StaleWriteError } from '../shared/store.js';
import type { Comment, Ticket } from '../tickets/model.js';
import { buildDoc } from './model.js';
import type { SearchIndexStore } from './store/search-index-store.js';

/**
 * The events after which a ticket's searchable text may have changed (docs/search.md#indexing).
 * None carries the text itself (`Comment Added` names the comment, `Ticket Updated` the fields),
 * so the indexer reads the ticket and its comments as they are now.
 */
export const INDEXED_DETAIL_TYPES = ['Ticket Created', 'Ticket Updated', 'Comment Added'] as const;

/** The part of a bus event the indexer reads. */
export interface IndexEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/** Where the indexer reads a ticket's text from (the ticket store, through ticketText in indexer.function.ts). */
export interface TicketText {
  ticket(id: string): Promise<Ticket | undefined>;
  /** Every comment, oldest first, at most `limit`. */
  comments(id: string, limit: number): Promise<readonly Comment[]>;
}

export interface IndexOutcome {
  /** Tickets whose index entries were rewritten. */
  readonly indexed: readonly string[];
  /** Tickets already indexed at their current version (a redelivered or overtaken event). */
  readonly current: readonly string[];
}

const MAX_ROUNDS = 3;

/**
 * Keeps the search index in step with tickets, from their events (on AWS an EventBridge rule
 * invokes it, lib/search.ts; locally the runtime calls it as it publishes). Each ticket is
 * re-indexed whole from what it is now, so a redelivered, duplicated or reordered event changes
 * nothing twice, and an older version never overwrites a newer one (the doc records the version).
 */
export class TicketIndexer {
  constructor(
    private readonly text: TicketText,
    private readonly store: SearchIndexStore,
    private readonly maxComments = 200,
  ) {}

  async onEvents(events: readonly IndexEvent[]): Promise<IndexOutcome> {
    const ids = new Set<string>();
    for (const event of events) {
      if (!(INDEXED_DETAIL_TYPES as readonly string[]).includes(event.detailType)) continue;
      const id = event.detail.ticketId;
      if (typeof id === 'string') ids.add(id);
    }
    const indexed: string[] = [];
    const current: string[] = [];
    for (const id of [...ids].sort()) ((await this.reindex(id)) ? indexed : current).push(id);
    return { indexed, current };
  }

  /** Re-indexes one ticket; false when its doc was already at the ticket's version (or it is gone). */
  async reindex(ticketId: string): Promise<boolean> {
    for (let round = 1; ; round++) {
      const [ticket, previous] = await Promise.all([this.text.ticket(ticketId), this.store.getDoc(ticketId)]);
      if (!ticket || (previous && previous.version >= ticket.version)) return false;
      const comments = await this.text.comments(ticketId, this.maxComments);
      try {
        await this.store.replace(previous, buildDoc(ticket, comments));
        return true;
      } catch (error) {
        if (!(error instanceof StaleWriteError) || round === MAX_ROUNDS) throw error;
      }
    }
  }
}
