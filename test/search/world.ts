import { TicketIndexer, type TicketText } from '../../functions/search/indexer.js';
import type { IndexedComment, IndexedTicket } from '../../functions/search/model.js';
import { IndexSearch, SEARCH_LIMITS, type SearchLimits } from '../../functions/search/search-service.js';
import type { SearchIndexStore } from '../../functions/search/store/search-index-store.js';
import type { Comment, Ticket } from '../../functions/tickets/model.js';

/** Tickets and comments in a map, the indexer over them, and a search: a search world for tests. */
export class SearchWorld {
  readonly tickets = new Map<string, IndexedTicket>();
  readonly comments = new Map<string, IndexedComment[]>();
  readonly indexer: TicketIndexer;
  readonly search: IndexSearch;

  constructor(
    readonly store: SearchIndexStore,
    limits: Partial<SearchLimits> = {},
  ) {
    const text: TicketText = {
      ticket: async (id) => this.tickets.get(id) as Ticket | undefined,
      comments: async (id, limit) => (this.comments.get(id) ?? []).slice(0, limit) as Comment[],
    };
    this.indexer = new TicketIndexer(text, store);
    this.search = new IndexSearch(store, { ...SEARCH_LIMITS, ...limits });
  }

  /** Writes (or rewrites, one version up) a ticket and indexes it. */
  async put(ticket: IndexedTicket, comments: IndexedComment[] = []): Promise<void> {
    const before = this.tickets.get(ticket.id);
    this.tickets.set(ticket.id, { ...ticket, version: before ? before.version + 1 : ticket.version });
    this.comments.set(ticket.id, comments);
    await this.indexer.reindex(ticket.id);
  }

  async staff(q: string, limit = 50): Promise<string[]> {
    const result = await this.search.search({ internal: true }, q, { offset: 0, limit });
    return result.hits.map((hit) => hit.ticketId);
  }

  async own(requesterIds: string[], q: string, limit = 50): Promise<string[]> {
    const result = await this.search.search({ requesterIds, internal: false }, q, { offset: 0, limit });
    return result.hits.map((hit) => hit.ticketId);
  }
}
