/**
 * The port tickets search through (functions/tickets/service.ts: `GET /tickets?q=`): ranked ticket
 * ids for a query within what the caller may see. Implemented by IndexSearch (search-service.ts)
 * over the table's inverted index; a managed search engine would be another adapter.
 */
export interface SearchScope {
  /** Only tickets requested under one of these ids (a requester's own); absent: every ticket. */
  readonly requesterIds?: readonly string[];
  /** Whether internal comments count (agents, approvers, admins); false: public text only. */
  readonly internal: boolean;
}

export interface SearchHit {
  readonly ticketId: string;
  readonly score: number;
}

export interface SearchPage {
  /** Where in the ranking to start, and how many hits at most. */
  readonly offset: number;
  readonly limit: number;
}

export interface SearchResult {
  /** Best first. */
  readonly hits: readonly SearchHit[];
  /** The offset of the next page; absent when this was the last. */
  readonly next?: number;
}

export interface TicketSearch {
  /** A 400 naming `q` when it cannot be searched (too long, only stop words, too many words). */
  search(scope: SearchScope, q: string, page: SearchPage): Promise<SearchResult>;
}
