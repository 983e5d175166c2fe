import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

/** BatchGetItem takes at most 100 keys; unprocessed keys are retried a bounded number of times. */
const MAX_KEYS = 100;
const MAX_ROUNDS = 5;

export async function batchGet(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[][] = [];
  for (let start = 0; start < keys.length; start += MAX_KEYS)
    chunks.push(keys.slice(start, start + MAX_KEYS));
  // The chunks go out together: a read of 500 keys costs one round trip of five requests, not five.
  const found = await Promise.all(chunks.map((chunk) => batchGetChunk(dynamo, tableName, chunk)));
  return found.flat();
}

async function batchGetChunk(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] | undefined = keys;
  for (let round = 0; pending && pending.length > 0; round++) {
    if (round === MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
    const out: BatchGetCommandOutput = await dynamo.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
    );
    found.push(...(out.Responses?.[tableName] ?? []));
    pending = out.UnprocessedKeys?.[tableName]?.Keys;
  }
  return found;
}
