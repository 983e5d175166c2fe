import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { BUCKETS, type DocTerm, type Posting, type SearchDoc } from '../model.js';

/**
 * Key layout of the search index (docs/search.md#index), shared by the DynamoDB and in-memory
 * adapters so both build the same items:
 *
 * | item | PK | SK |
 * |---|---|---|
 * | posting | `SEARCH#TERM#<term>` | `P#<inverted bucket, 2 digits>#<ticketId>` (best first ascending) |
 * | document frequency | `SEARCH#TERM#<term>` | `DF` (`df`) |
 * | totals | `SEARCH#STATS` | `STATS` (`documents`, `totalLength`) |
 * | doc | `SEARCH#DOC#<ticketId>` | `DOC`; `byRequester` under `search#<requesterId>` |
 */
export const POSTING_PREFIX = 'P#';
export const DF_SK = 'DF';
export const STATS_KEY = { PK: 'SEARCH#STATS', SK: 'STATS' } as const;

export function termPk(term: string): string {
  return `SEARCH#TERM#${term}`;
}

export function postingSk(bucket: number, ticketId: string): string {
  return `${POSTING_PREFIX}${String(BUCKETS - bucket).padStart(2, '0')}#${ticketId}`;
}

export function postingKey(posting: Posting): { PK: string; SK: string } {
  return { PK: termPk(posting.term), SK: postingSk(posting.bucket, posting.ticketId) };
}

export function dfKey(term: string): { PK: string; SK: string } {
  return { PK: termPk(term), SK: DF_SK };
}

export function docKey(ticketId: string): { PK: string; SK: string } {
  return { PK: `SEARCH#DOC#${ticketId}`, SK: 'DOC' };
}

export function requesterPartition(requesterId: string): string {
  return `search#${requesterId}`;
}

/** A posting item's ticket and bucket. */
export function parsePosting(sk: string): { ticketId: string; bucket: number } {
  const [, inverted, ...rest] = sk.split('#');
  return { ticketId: rest.join('#'), bucket: BUCKETS - Number(inverted) };
}

export function docItem(doc: SearchDoc): Record<string, unknown> {
  return {
    ...docKey(doc.ticketId),
    [INDEXES.byRequester.partitionKey]: requesterPartition(doc.requesterId),
    [LIST_SORT_KEY]: `${doc.createdAt}#${doc.ticketId}`,
    ticketId: doc.ticketId,
    v: doc.version,
    requesterId: doc.requesterId,
    createdAt: doc.createdAt,
    len: doc.length,
    plen: doc.publicLength,
    terms: packTerms(doc.terms),
  };
}

/**
 * A doc's terms as one string, `term:tf:publicTf:bucket` separated by spaces (no term holds a
 * space or a colon: see analysis.ts): about half the size of a map of lists, so a doc costs fewer
 * write units and reads faster.
 */
export function packTerms(terms: Readonly<Record<string, DocTerm>>): string {
  return Object.entries(terms)
    .map(([term, [tf, publicTf, bucket]]) => `${term}:${tf}:${publicTf}:${bucket}`)
    .join(' ');
}

export function unpackTerms(packed: string): Record<string, DocTerm> {
  const terms: Record<string, DocTerm> = Object.create(null);
  for (const entry of packed.split(' ')) {
    if (entry === '') continue;
    const [term, tf, publicTf, bucket] = entry.split(':');
    terms[term!] = [Number(tf), Number(publicTf), Number(bucket)];
  }
  return terms;
}

export function docFromItem(item: Record<string, unknown>): SearchDoc {
  return {
    ticketId: item.ticketId as string,
    version: Number(item.v),
    requesterId: item.requesterId as string,
    createdAt: item.createdAt as string,
    length: Number(item.len),
    publicLength: Number(item.plen),
    terms: unpackTerms(typeof item.terms === 'string' ? item.terms : ''),
  };
}
