import type { Page, PageRequest } from './store.js';

/**
 * One list over a few index partitions read as one, newest first: a requester's tickets under
 * each id a ticket may name them by (docs/api.md#one-person-across-channels). Each page reads every
 * partition not yet exhausted once (one query each, as `queryPage` bounds it), then hands out items
 * in sort-key order as far as every partition has been read. The resume key holds each partition's
 * own: where it stopped, absent to start it, `null` once it is exhausted. Both the DynamoDB and the
 * in-memory adapters page this way, so the contract suites hold them to the same pages.
 */
export interface MergeKeys<T> {
  /** The item's value of the index sort key (unique across the partitions). */
  readonly sortKeyOf: (item: T) => string;
  /** The index sort-key value a partition's resume key stops at. */
  readonly frontierOf: (lastKey: Record<string, unknown>) => string;
  /** The resume key that continues a partition right after this item (as the store would return it). */
  readonly resumeKeyOf: (item: T) => Record<string, unknown>;
  /** Oldest (lowest sort key) first instead of newest first: CI lists go by id. */
  readonly ascending?: boolean;
}

type PartitionKeys = Record<string, Record<string, unknown> | null>;

export async function mergedPage<T>(
  partitions: readonly string[],
  page: PageRequest,
  read: (partition: string, request: PageRequest) => Promise<Page<T>>,
  keys: MergeKeys<T>,
): Promise<Page<T>> {
  const resume = resumeKeysOf(page.startKey);
  const open = partitions.filter((partition) => resume[partition] !== null);
  const reads = await Promise.all(
    open.map(async (partition) => {
      const startKey = resume[partition];
      return {
        partition,
        page: await read(partition, startKey ? { limit: page.limit, startKey } : { limit: page.limit }),
      };
    }),
  );
  // In list order: newest first unless `ascending`.
  const order = (a: string, b: string) => (keys.ascending ? compare(a, b) : compare(b, a));
  // A partition with more to read may still hold items that come before anything past where it stopped.
  const floor = reads
    .filter((entry) => entry.page.lastKey)
    .map((entry) => keys.frontierOf(entry.page.lastKey!))
    .reduce<string | undefined>(
      (last, key) => (last === undefined || order(key, last) < 0 ? key : last),
      undefined,
    );
  const candidates = reads
    .flatMap(({ partition, page: read }) =>
      read.items.map((item) => ({ partition, item, key: keys.sortKeyOf(item) })),
    )
    .sort((a, b) => order(a.key, b.key));
  const given = candidates
    .filter((candidate) => floor === undefined || order(candidate.key, floor) <= 0)
    .slice(0, page.limit);

  const next: PartitionKeys = {};
  let more = false;
  for (const partition of partitions) {
    const entry = reads.find((candidate) => candidate.partition === partition);
    if (!entry) {
      next[partition] = null;
      continue;
    }
    const fromHere = given.filter((candidate) => candidate.partition === partition);
    const key =
      fromHere.length === entry.page.items.length
        ? (entry.page.lastKey ?? null)
        : fromHere.length > 0
          ? keys.resumeKeyOf(fromHere.at(-1)!.item)
          : resume[partition];
    if (key !== undefined) next[partition] = key;
    if (key !== null) more = true;
  }
  const items = given.map((candidate) => candidate.item);
  return more ? { items, lastKey: { partitions: next } } : { items };
}

function resumeKeysOf(startKey: Record<string, unknown> | undefined): Partial<PartitionKeys> {
  const partitions = startKey?.partitions;
  return partitions && typeof partitions === 'object' ? (partitions as PartitionKeys) : {};
}

/** DynamoDB's order of string keys: by their UTF-8 bytes. */
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
