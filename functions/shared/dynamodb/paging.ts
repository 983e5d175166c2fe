import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page } from '../store.js';
import { INDEXES } from './table-definition.js';

/** Upper bound on queries one page may take when a filter discards items. */
const MAX_QUERIES_PER_PAGE = 5;

/**
 * Reads up to `limit` accepted items, starting at `startKey`. Each query asks only for what is
 * still missing, so every item read is either returned or filtered out, and the last evaluated
 * key is a correct resume point. A page may come back short (with a cursor) when filters discard
 * much: bounded work per request matters more than full pages.
 */
export async function queryPage<T>(
  dynamo: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  limit: number,
  startKey: Record<string, unknown> | undefined,
  convert: (item: Record<string, unknown>) => T | undefined,
): Promise<Page<T>> {
  const items: T[] = [];
  let lastKey = startKey;
  for (let round = 0; round < MAX_QUERIES_PER_PAGE && items.length < limit; round++) {
    const out = await dynamo.send(
      new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: lastKey }),
    );
    for (const item of out.Items ?? []) {
      const converted = convert(item);
      if (converted !== undefined) items.push(converted);
    }
    lastKey = out.LastEvaluatedKey;
    if (!lastKey) break;
  }
  return lastKey ? { items, lastKey } : { items };
}

/**
 * A page of the records of one kind (a `byKind` partition, sorted `<instant>#<id>`: tickets and
 * changes by creation, surveys by mailing) whose instant is in [from, to), latest first: what a
 * background replay pages through without a Scan.
 */
export function queryKindByInstant<T>(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  kind: string,
  range: { readonly from: string; readonly to: string },
  page: { readonly limit: number; readonly startKey?: Record<string, unknown> | undefined },
  convert: (item: Record<string, unknown>) => T | undefined,
): Promise<Page<T>> {
  const index = INDEXES.byKind;
  return queryPage(
    dynamo,
    {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :kind AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':kind': kind, ':from': range.from, ':to': range.to },
      ScanIndexForward: false,
    },
    page.limit,
    page.startKey,
    convert,
  );
}
