import type { Comment, Ticket } from '../tickets/model.js';
import { analyze } from './analysis.js';

/**
 * What the index holds per ticket (docs/search.md#index): its terms, each with its frequency in
 * all the ticket's text, in its public text only, and the posting bucket (its ranking weight) the
 * ticket's posting for that term is filed under. The doc is the index's record of what postings
 * exist: re-indexing diffs the new doc against it, so stale postings are deleted.
 */
export interface SearchDoc {
  readonly ticketId: string;
  /** The ticket version this indexes: an older one never overwrites a newer one. */
  readonly version: number;
  readonly requesterId: string;
  readonly createdAt: string;
  /** Words in all the text (stop words excluded), and in the public text. */
  readonly length: number;
  readonly publicLength: number;
  readonly terms: Readonly<Record<string, DocTerm>>;
}

/** [frequency in all text, frequency in public text, posting bucket]. */
export type DocTerm = readonly [tf: number, publicTf: number, bucket: number];

/** BM25 parameters; AVERAGE_LENGTH is a fixed estimate at index time (buckets must not move with it). */
export const BM25 = { k1: 1.2, b: 0.75 } as const;
export const AVERAGE_LENGTH = 80;
/** Posting weights are quantised to this many buckets: a posting moves only when its bucket does. */
export const BUCKETS = 32;
/** Most terms one ticket is indexed under (its most frequent; exact tokens first). */
export const MAX_DOC_TERMS = 400;
/** Most comments indexed per ticket, and most characters of text in all. */
export const MAX_COMMENTS = 200;
export const MAX_TEXT = 100_000;

/** BM25's term-frequency part: saturating in tf, normalised by length. */
export function tfWeight(tf: number, length: number, averageLength = AVERAGE_LENGTH): number {
  if (tf <= 0) return 0;
  const norm = BM25.k1 * (1 - BM25.b + (BM25.b * length) / Math.max(1, averageLength));
  return (tf * (BM25.k1 + 1)) / (tf + norm);
}

/** The bucket (1..BUCKETS) of a weight; postings sort by it, best first. */
export function bucketOf(weight: number): number {
  return Math.max(1, Math.min(BUCKETS, Math.round((weight / (BM25.k1 + 1)) * BUCKETS)));
}

export function weightOfBucket(bucket: number): number {
  return (bucket / BUCKETS) * (BM25.k1 + 1);
}

/** Inverse document frequency (BM25's, never negative). */
export function idf(df: number, documents: number): number {
  const n = Math.max(documents, df);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * The doc of a ticket: its own id, title (a mail-created ticket's title is the mail's subject),
 * description, the requester's address and the public comments are public text; internal comments
 * are not.
 */
export type IndexedTicket = Pick<
  Ticket,
  'id' | 'version' | 'title' | 'description' | 'requester' | 'createdAt'
>;
export type IndexedComment = Pick<Comment, 'body' | 'visibility'>;

export function buildDoc(ticket: IndexedTicket, comments: readonly IndexedComment[]): SearchDoc {
  let budget = MAX_TEXT;
  const take = (text: string | null | undefined): string => {
    if (!text || budget <= 0) return '';
    const part = text.slice(0, budget);
    budget -= part.length;
    return part;
  };
  const publicParts = [ticket.id, take(ticket.title), take(ticket.description), take(ticket.requester.email)];
  const internalParts: string[] = [];
  for (const comment of comments.slice(0, MAX_COMMENTS)) {
    (comment.visibility === 'public' ? publicParts : internalParts).push(take(comment.body));
  }
  const pub = analyze(publicParts.join('\n'));
  const internal = analyze(internalParts.join('\n'));
  const length = pub.length + internal.length;
  const all = new Map(pub.terms);
  for (const [term, tf] of internal.terms) all.set(term, (all.get(term) ?? 0) + tf);
  const kept = [...all.entries()]
    .sort(
      ([a, x], [b, y]) =>
        Number(b.includes('@') || /-\d/.test(b)) - Number(a.includes('@') || /-\d/.test(a)) || y - x,
    )
    .slice(0, MAX_DOC_TERMS);
  const terms: Record<string, DocTerm> = Object.create(null);
  for (const [term, tf] of kept) {
    terms[term] = [tf, pub.terms.get(term) ?? 0, bucketOf(tfWeight(tf, length))];
  }
  return {
    ticketId: ticket.id,
    version: ticket.version,
    requesterId: ticket.requester.id,
    createdAt: ticket.createdAt,
    length,
    publicLength: pub.length,
    terms,
  };
}

/**
 * A doc's entry for a term, if it has one. Terms are user text (`constructor`, `__proto__`): never
 * read them through the prototype chain.
 */
export function termOf(doc: SearchDoc, term: string): DocTerm | undefined {
  return Object.hasOwn(doc.terms, term) ? doc.terms[term] : undefined;
}

/** One posting: the ticket under a term, in a bucket. */
export interface Posting {
  readonly term: string;
  readonly ticketId: string;
  readonly bucket: number;
}

export function postingsOf(doc: SearchDoc | undefined): Posting[] {
  if (!doc) return [];
  return Object.entries(doc.terms).map(([term, [, , bucket]]) => ({ term, ticketId: doc.ticketId, bucket }));
}

/** What re-indexing a ticket changes: postings to put and delete, document frequencies to move. */
export interface IndexChange {
  readonly put: readonly Posting[];
  readonly remove: readonly Posting[];
  /** +1 for each term the ticket gains, -1 for each it loses. */
  readonly df: ReadonlyMap<string, number>;
  readonly documents: number;
  readonly length: number;
}

export function indexChange(previous: SearchDoc | undefined, next: SearchDoc): IndexChange {
  const before = previous?.terms ?? {};
  const put: Posting[] = [];
  const remove: Posting[] = [];
  const df = new Map<string, number>();
  for (const [term, [, , bucket]] of Object.entries(next.terms)) {
    const old = previous ? termOf(previous, term) : undefined;
    if (old === undefined) df.set(term, 1);
    if (old?.[2] !== bucket) {
      put.push({ term, ticketId: next.ticketId, bucket });
      if (old) remove.push({ term, ticketId: next.ticketId, bucket: old[2] });
    }
  }
  for (const [term, [, , bucket]] of Object.entries(before)) {
    if (termOf(next, term) === undefined) {
      remove.push({ term, ticketId: next.ticketId, bucket });
      df.set(term, -1);
    }
  }
  return {
    put,
    remove,
    df,
    documents: previous ? 0 : 1,
    length: next.length - (previous?.length ?? 0),
  };
}
