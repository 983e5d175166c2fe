import { ValidationError } from '../shared/errors.js';
import { analyzeQuery, type QueryTerm } from './analysis.js';
import { AVERAGE_LENGTH, idf, type SearchDoc, termOf, tfWeight, weightOfBucket } from './model.js';
import type { SearchIndexStore, TermStats } from './store/search-index-store.js';
import type { SearchHit, SearchPage, SearchResult, SearchScope, TicketSearch } from './ticket-search.js';

/**
 * Bounds of one query (docs/search.md#ranking): postings read per index term (best first), docs
 * read to check candidates a common term's truncated postings left open, docs read per requester
 * id, and hits ranked in all.
 */
export interface SearchLimits {
  readonly postingsPerTerm: number;
  readonly docsToVerify: number;
  readonly docsPerRequester: number;
  readonly rankedHits: number;
}

export const SEARCH_LIMITS: SearchLimits = {
  postingsPerTerm: 1000,
  docsToVerify: 100,
  docsPerRequester: 500,
  rankedHits: 500,
};

/**
 * Ranked AND search over the table's inverted index (docs/search.md#ranking): BM25, with the
 * term-frequency part taken from the posting's bucket and the inverse document frequency from the
 * per-term document-frequency items.
 *
 * Staff (all tickets, internal text included): for each query word, the postings of each of its
 * stems (best first, at most `postingsPerTerm`) and the frequencies, all in one parallel round
 * trip. Candidates are the rarest word's postings; every other word either lists the candidate
 * (all of its postings were read, so absence means "does not contain") or, when its postings were
 * cut off, leaves it open: the best `docsToVerify` open candidates are checked against their doc
 * items in one more round trip, the rest dropped. So a query costs at most two sequential round
 * trips and a bounded number of items whatever the table size.
 *
 * Requesters (their own tickets, public text only): their docs (at most `docsPerRequester` per id
 * they have, newest first) are matched directly on public term frequencies.
 */
export class IndexSearch implements TicketSearch {
  constructor(
    private readonly store: SearchIndexStore,
    private readonly limits: SearchLimits = SEARCH_LIMITS,
  ) {}

  async search(scope: SearchScope, q: string, page: SearchPage): Promise<SearchResult> {
    const analysis = analyzeQuery(q);
    if (!analysis.ok) throw new ValidationError([{ path: 'q', message: analysis.message }]);
    const ranked =
      scope.requesterIds === undefined
        ? await this.searchAll(analysis.terms, scope.internal)
        : await this.searchOwn(analysis.terms, scope.requesterIds);
    const hits = ranked.slice(page.offset, page.offset + page.limit);
    const next = page.offset + page.limit;
    return next < ranked.length ? { hits, next } : { hits };
  }

  private async searchAll(words: readonly QueryTerm[], internal: boolean): Promise<SearchHit[]> {
    const variants = [...new Set(words.flatMap((word) => word.variants))];
    const [stats, lists] = await Promise.all([
      this.store.stats(variants),
      Promise.all(variants.map((term) => this.store.postings(term, this.limits.postingsPerTerm))),
    ]);
    const postingsOf = new Map(variants.map((term, i) => [term, lists[i]!]));
    // Per word: best weight per ticket over its stems, whether any stem was cut off, its df.
    const perWord = words.map((word) => {
      const weights = new Map<string, number>();
      let truncated = false;
      for (const term of word.variants) {
        const list = postingsOf.get(term)!;
        truncated ||= list.truncated;
        for (const { ticketId, bucket } of list.postings) {
          weights.set(ticketId, Math.max(weights.get(ticketId) ?? 0, weightOfBucket(bucket)));
        }
      }
      return { word, weights, truncated, idf: wordIdf(word, stats) };
    });
    if (perWord.some((w) => w.weights.size === 0)) return [];
    // Rarest first: its postings are the candidates.
    perWord.sort((a, b) => b.idf - a.idf || a.weights.size - b.weights.size);
    const [rarest, ...others] = perWord;
    let candidates = [...rarest!.weights].map(([ticketId, weight]) => ({
      ticketId,
      score: rarest!.idf * weight,
      open: [] as typeof perWord,
    }));
    for (const other of others) {
      const kept: typeof candidates = [];
      for (const candidate of candidates) {
        const weight = other.weights.get(candidate.ticketId);
        if (weight !== undefined) kept.push({ ...candidate, score: candidate.score + other.idf * weight });
        else if (other.truncated) kept.push({ ...candidate, open: [...candidate.open, other] });
      }
      candidates = kept;
    }
    const settled = candidates.filter((c) => c.open.length === 0);
    const open = candidates
      .filter((c) => c.open.length > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, this.limits.docsToVerify);
    if (open.length > 0) {
      const docs = await this.store.getDocs(open.map((c) => c.ticketId));
      for (const candidate of open) {
        const doc = docs.get(candidate.ticketId);
        if (!doc) continue;
        let score = candidate.score;
        let all = true;
        for (const word of candidate.open) {
          const weight = docWeight(doc, word.word, internal);
          if (weight === 0) all = false;
          score += word.idf * weight;
        }
        if (all) settled.push({ ...candidate, score, open: [] });
      }
    }
    return rank(
      settled.map(({ ticketId, score }) => ({ ticketId, score })),
      this.limits.rankedHits,
    );
  }

  private async searchOwn(
    words: readonly QueryTerm[],
    requesterIds: readonly string[],
  ): Promise<SearchHit[]> {
    const variants = [...new Set(words.flatMap((word) => word.variants))];
    const [stats, ...lists] = await Promise.all([
      this.store.stats(variants),
      ...requesterIds.map((id) => this.store.docsOfRequester(id, this.limits.docsPerRequester)),
    ]);
    const docs = new Map<string, SearchDoc>();
    for (const list of lists) for (const doc of list as SearchDoc[]) docs.set(doc.ticketId, doc);
    const hits: SearchHit[] = [];
    for (const doc of docs.values()) {
      let score = 0;
      let all = true;
      for (const word of words) {
        const weight = docWeight(doc, word, false);
        if (weight === 0) {
          all = false;
          break;
        }
        score += wordIdf(word, stats as TermStats) * weight;
      }
      if (all) hits.push({ ticketId: doc.ticketId, score });
    }
    return rank(hits, this.limits.rankedHits);
  }
}

/** A word's idf: that of its rarest-in-index stem's frequency summed over its stems (an upper bound). */
function wordIdf(word: QueryTerm, stats: TermStats): number {
  const df = word.variants.reduce((sum, term) => sum + (stats.df.get(term) ?? 0), 0);
  return idf(Math.max(1, df), Math.max(1, stats.documents));
}

/** A word's weight in a doc: its best stem's; public text only unless `internal`. */
function docWeight(doc: SearchDoc, word: QueryTerm, internal: boolean): number {
  let best = 0;
  for (const term of word.variants) {
    const entry = termOf(doc, term);
    if (!entry) continue;
    const weight = internal ? weightOfBucket(entry[2]) : tfWeight(entry[1], doc.publicLength, AVERAGE_LENGTH);
    best = Math.max(best, weight);
  }
  return best;
}

/** Best first; ties by ticket id, newest number first. At most `rankedHits`. */
function rank(hits: SearchHit[], most: number): SearchHit[] {
  return hits
    .sort((a, b) => b.score - a.score || (a.ticketId < b.ticketId ? 1 : a.ticketId > b.ticketId ? -1 : 0))
    .slice(0, most);
}
