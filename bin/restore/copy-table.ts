import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { counterKey } from '../../functions/shared/dynamodb/keys.js';
import { TABLE_KEYS } from '../../functions/shared/dynamodb/table-definition.js';

/**
 * Copies every item of one table into another: the second half of a point-in-time restore
 * (docs/operations.md). DynamoDB restores into a new table; this puts its items into the table
 * the stack uses.
 *
 * - `overwrite`: every restored item replaces the target's item with the same key; items the
 *   restored table lacks stay. Into a fresh table that is the restored point in time (plus the
 *   defaults the stack seeds); into the live table it rolls back what existed then, keeping what
 *   was created since.
 * - `only-missing`: an item is written only where its key is absent, so nothing in the target
 *   changes: it brings back deleted items and nothing else.
 *
 * Either way an id counter never moves backwards: a ticket created after the restore point keeps
 * its id, and the next one cannot collide with it.
 */
export type CopyMode = 'overwrite' | 'only-missing';

export interface CopyTableOptions {
  readonly client: DynamoDBClient;
  readonly from: string;
  readonly to: string;
  readonly mode: CopyMode;
  /** Parallel scan segments (DynamoDB's parallel scan); each copies its share of the table. */
  readonly segments?: number;
  /** Count only; write nothing. */
  readonly dryRun?: boolean;
}

export interface CopyResult {
  readonly scanned: number;
  readonly written: number;
  /** Items left as the target had them (only-missing: key present; counters: target ahead). */
  readonly kept: number;
}

type Item = Record<string, AttributeValue>;

const COUNTER_SORT_KEY = counterKey('').SK;
const COUNTER_ATTRIBUTE = 'sequence';
/** BatchWriteItem's limit. */
const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

export async function copyTable(options: CopyTableOptions): Promise<CopyResult> {
  const segments = Math.max(1, options.segments ?? 4);
  const results = await Promise.all(
    Array.from({ length: segments }, (_, segment) => copySegment(options, segment, segments)),
  );
  return results.reduce(
    (total, part) => ({
      scanned: total.scanned + part.scanned,
      written: total.written + part.written,
      kept: total.kept + part.kept,
    }),
    { scanned: 0, written: 0, kept: 0 },
  );
}

async function copySegment(
  options: CopyTableOptions,
  segment: number,
  totalSegments: number,
): Promise<CopyResult> {
  const { client, from, to, mode, dryRun } = options;
  let scanned = 0;
  let written = 0;
  let kept = 0;
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: from,
        Segment: segment,
        TotalSegments: totalSegments,
        ExclusiveStartKey: startKey,
        // The restored table is a copy nobody else reads: strong reads cost little and miss nothing.
        ConsistentRead: true,
      }),
    );
    const items = page.Items ?? [];
    scanned += items.length;
    if (!dryRun) {
      const counters = items.filter(isCounter);
      const others = items.filter((item) => !isCounter(item));
      if (mode === 'overwrite') {
        written += await writeBatches(client, to, others);
      } else {
        for (const item of others) {
          if (await putIfMissing(client, to, item)) written += 1;
          else kept += 1;
        }
      }
      for (const counter of counters) {
        if (await putCounterIfAhead(client, to, counter)) written += 1;
        else kept += 1;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { scanned, written, kept };
}

async function writeBatches(client: DynamoDBClient, table: string, items: readonly Item[]): Promise<number> {
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    let pending = items.slice(start, start + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_BATCH_ATTEMPTS) {
        throw new Error(`${pending.length} items stayed unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
      }
      if (attempt > 1) await sleep(50 * 2 ** attempt); // throttled: back off before the retry
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
  return items.length;
}

async function putIfMissing(client: DynamoDBClient, table: string, item: Item): Promise<boolean> {
  return conditionalPut(client, table, item, 'attribute_not_exists(#pk)', { '#pk': TABLE_KEYS.partitionKey });
}

/** A counter goes in only where the target has none or a lower one. */
async function putCounterIfAhead(client: DynamoDBClient, table: string, item: Item): Promise<boolean> {
  return conditionalPut(
    client,
    table,
    item,
    'attribute_not_exists(#pk) OR #sequence < :sequence',
    { '#pk': TABLE_KEYS.partitionKey, '#sequence': COUNTER_ATTRIBUTE },
    { ':sequence': item[COUNTER_ATTRIBUTE] as AttributeValue },
  );
}

async function conditionalPut(
  client: DynamoDBClient,
  table: string,
  item: Item,
  condition: string,
  names: Record<string, string>,
  values?: Item,
): Promise<boolean> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: item,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Id counters (`COUNTER#INC` / `COUNTER`, attribute `sequence`: functions/shared/dynamodb/keys.ts). */
function isCounter(item: Item): boolean {
  return item[TABLE_KEYS.sortKey]?.S === COUNTER_SORT_KEY && item[COUNTER_ATTRIBUTE]?.N !== undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
