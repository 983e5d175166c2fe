import { type Page, StaleWriteError } from '../store.js';

/**
 * What the in-memory store adapters share so they behave like their DynamoDB twins, which the
 * contract suites (test/<capability>/store/*.contract.ts) hold them to.
 */

/**
 * A record as DynamoDB keeps it: a deep copy, so callers never share state with the store, without
 * the properties (and list elements) that are `undefined`, which the document client's
 * `removeUndefinedValues` drops. Records are JSON-like; anything else (a Set, a Map) is cloned.
 */
export function storedCopy<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((element) => element !== undefined).map((element) => storedCopy(element)) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (field !== undefined) copy[name] = storedCopy(field);
  }
  return copy as T;
}

/** DynamoDB orders string keys by their UTF-8 bytes (JS `<` compares UTF-16 code units). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** An error named like the DynamoDB one an adapter would let through (not a StaleWriteError). */
export function dynamoLikeError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** One item of a partition (or index partition) an in-memory query reads. */
export interface QueryEntry<T> {
  /** Its sort-key value; unique within the partition. */
  readonly sortKey: string;
  /** What DynamoDB returns as LastEvaluatedKey when a read stops at this item. */
  readonly key: Record<string, unknown>;
  readonly value: T;
}

export interface MemoryQuery<T> {
  readonly entries: readonly QueryEntry<T>[];
  /** The attribute of a start key that holds the sort-key value to resume after. */
  readonly sortAttribute: string;
  /** `ScanIndexForward: false`. */
  readonly descending?: boolean;
}

/** Same bound as functions/shared/dynamodb/paging.ts. */
const MAX_QUERIES_PER_PAGE = 5;

/**
 * functions/shared/dynamodb/paging.ts `queryPage` over an in-memory partition, to the letter: each
 * round reads at most what is still missing, `convert` may discard what it read, at most five
 * rounds per page, and a round that read its whole limit returns a resume key even when nothing
 * follows (DynamoDB does: the page after it is then empty).
 */
export function memoryQueryPage<T, R>(
  query: MemoryQuery<T>,
  limit: number,
  startKey: Record<string, unknown> | undefined,
  convert: (value: T) => R | undefined,
): Page<R> {
  const direction = query.descending ? -1 : 1;
  const sorted = [...query.entries].sort((a, b) => direction * compareKeys(a.sortKey, b.sortKey));
  const items: R[] = [];
  let lastKey = startKey;
  for (let round = 0; round < MAX_QUERIES_PER_PAGE && items.length < limit; round++) {
    const wanted = limit - items.length;
    const from = lastKey ? resumeIndex(sorted, resumeSortKey(lastKey, query.sortAttribute), direction) : 0;
    const read = sorted.slice(from, from + wanted);
    for (const entry of read) {
      const converted = convert(entry.value);
      if (converted !== undefined) items.push(converted);
    }
    lastKey = read.length === wanted ? read.at(-1)!.key : undefined;
    if (!lastKey) break;
  }
  return lastKey ? { items, lastKey } : { items };
}

function resumeSortKey(startKey: Record<string, unknown>, attribute: string): string {
  const value = startKey[attribute];
  if (typeof value !== 'string') {
    throw dynamoLikeError('ValidationException', 'The provided starting key is invalid');
  }
  return value;
}

/** Index of the first entry strictly after `sortKey` in reading order. */
function resumeIndex<T>(sorted: readonly QueryEntry<T>[], sortKey: string, direction: number): number {
  const index = sorted.findIndex((entry) => direction * compareKeys(entry.sortKey, sortKey) > 0);
  return index === -1 ? sorted.length : index;
}

/**
 * functions/shared/dynamodb/versioned-put.ts in memory: creates when `expectedVersion` is 0 and the
 * record is absent, else replaces exactly that version; otherwise a StaleWriteError naming the
 * current version (undefined when absent).
 */
export function putVersioned<T extends { readonly id: string; readonly version: number }>(
  records: Map<string, T>,
  record: T,
  expectedVersion: number,
): void {
  const current = records.get(record.id);
  const holds = expectedVersion === 0 ? current === undefined : current?.version === expectedVersion;
  if (!holds) throw new StaleWriteError(record.id, current?.version);
  records.set(record.id, storedCopy(record));
}
