import type { SearchDoc } from '../model.js';

/** Index totals and the document frequency of some terms (absent: 0). */
export interface TermStats {
  readonly documents: number;
  readonly totalLength: number;
  readonly df: ReadonlyMap<string, number>;
}

/** A term's postings read best first (highest bucket), at most a bounded number. */
export interface PostingList {
  readonly postings: readonly { readonly ticketId: string; readonly bucket: number }[];
  /** More postings exist than were read. */
  readonly truncated: boolean;
}

/**
 * The inverted index in the single table (docs/search.md#index): per-term posting partitions
 * sorted best first, a document-frequency item per term, index totals, and one doc item per
 * ticket (its terms, so re-indexing removes stale postings; also listed per requester).
 */
export interface SearchIndexStore {
  getDoc(ticketId: string): Promise<SearchDoc | undefined>;
  /** Docs of these tickets (missing ones absent); one batched read. */
  getDocs(ticketIds: readonly string[]): Promise<Map<string, SearchDoc>>;
  /** A requester's docs, newest ticket first, at most `limit`. */
  docsOfRequester(requesterId: string, limit: number): Promise<SearchDoc[]>;
  stats(terms: readonly string[]): Promise<TermStats>;
  postings(term: string, limit: number): Promise<PostingList>;
  /**
   * Replaces the ticket's index entries by `next`'s: puts its new postings, deletes the stale ones,
   * moves document frequencies and totals, then writes the doc, conditional on the doc still being
   * `previous` (StaleWriteError otherwise: another indexer wrote first; re-read and retry).
   */
  replace(previous: SearchDoc | undefined, next: SearchDoc): Promise<void>;
}
