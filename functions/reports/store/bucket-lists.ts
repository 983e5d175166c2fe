import { BUCKETS, indexedBinOf, SKETCHED_METRICS, type SketchedMetric } from '../sketch.js';

/**
 * How the DynamoDB adapter keeps sketch buckets (functions/reports/sketch.ts): one fixed-length
 * list of BUCKETS numbers per figure on a day or month item (`q_mttr`), instead of one attribute per
 * bucket, so an item's size is the same at ten tickets a day as at a thousand. The rest of the
 * reports see buckets as flat attributes (`q_mttr_17`): the adapter collapses them on write and
 * expands them on read.
 */
export const bucketList = (metric: SketchedMetric) => `q_${metric}`;

/** The list a figure starts with. */
export const emptyBuckets = (): number[] => Array.from({ length: BUCKETS }, () => 0);

type Attributes = Record<string, unknown>;

/** An item as read, its bucket lists replaced by the non-zero flat bucket attributes. */
export function expandBucketLists<T extends Attributes>(item: T): T {
  if (!SKETCHED_METRICS.some((metric) => Array.isArray(item[bucketList(metric)]))) return item;
  const expanded: Attributes = { ...item };
  for (const metric of SKETCHED_METRICS) {
    const list = item[bucketList(metric)];
    if (!Array.isArray(list)) continue;
    delete expanded[bucketList(metric)];
    list.forEach((count, index) => {
      if (Number(count) !== 0) expanded[`${bucketList(metric)}_${index}`] = Number(count);
    });
  }
  return expanded as T;
}

/** An item to write whole (the benchmark's seeded aggregates), its flat buckets collapsed into lists. */
export function collapseBucketAttributes<T extends Attributes>(item: T): T {
  const collapsed: Attributes = {};
  for (const [name, value] of Object.entries(item)) {
    const bucket = indexedBinOf(name);
    if (!bucket) {
      collapsed[name] = value;
      continue;
    }
    const listName = bucketList(bucket.metric);
    const list = (collapsed[listName] as number[] | undefined) ?? emptyBuckets();
    list[bucket.index] = (list[bucket.index] ?? 0) + Number(value);
    collapsed[listName] = list;
  }
  return collapsed as T;
}

/**
 * Whether a write failed because a bucket list it adds to does not exist yet (the item's first
 * duration of that figure): DynamoDB refuses `SET q[i] = q[i] + :n` on a missing list, as a
 * ValidationException or, in a transaction, a cancellation reason `ValidationError`.
 */
export function isMissingBucketList(error: unknown): boolean {
  const { name, message, CancellationReasons } = (error ?? {}) as {
    name?: string;
    message?: string;
    CancellationReasons?: { Code?: string; Message?: string }[];
  };
  const missingPath = (text: string | undefined) =>
    /document path provided in the update expression is invalid/i.test(text ?? '');
  if (name === 'ValidationException') return missingPath(message);
  return (CancellationReasons ?? []).some(
    (reason) => reason.Code === 'ValidationError' && missingPath(reason.Message ?? message),
  );
}
