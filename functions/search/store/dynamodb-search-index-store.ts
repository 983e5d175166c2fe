import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { INDEXES } from '../../shared/dynamodb/table-definition.js';
import { StaleWriteError } from '../../shared/store.js';
import { indexChange, type SearchDoc } from '../model.js';
import type { PostingList, SearchIndexStore, TermStats } from './search-index-store.js';
import {
  dfKey,
  docFromItem,
  docItem,
  docKey,
  POSTING_PREFIX,
  parsePosting,
  postingKey,
  requesterPartition,
  STATS_KEY,
  termPk,
} from './search-keys.js';

/** BatchWriteItem takes at most 25 requests; unprocessed ones are retried a bounded number of times. */
const BATCH_WRITE_MAX = 25;
const MAX_ROUNDS = 8;
/** Writes in flight at once while re-indexing one ticket. */
const WRITE_CONCURRENCY = 8;
/** Queries one requester's doc list may take (docs are up to a few kB each: 1 MB pages). */
const MAX_DOC_QUERIES = 4;

/** The search index in the single table (search-keys.ts has the layout). */
export class DynamoSearchIndexStore implements SearchIndexStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getDoc(ticketId: string): Promise<SearchDoc | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: docKey(ticketId) }));
    return out.Item && docFromItem(out.Item);
  }

  async getDocs(ticketIds: readonly string[]): Promise<Map<string, SearchDoc>> {
    const items = await batchGet(this.dynamo, this.tableName, [...new Set(ticketIds)].map(docKey));
    return new Map(items.map((item) => [item.ticketId as string, docFromItem(item)]));
  }

  async docsOfRequester(requesterId: string, limit: number): Promise<SearchDoc[]> {
    const docs: SearchDoc[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_DOC_QUERIES && docs.length < limit; round++) {
      const out = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.byRequester.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': INDEXES.byRequester.partitionKey },
          ExpressionAttributeValues: { ':pk': requesterPartition(requesterId) },
          ScanIndexForward: false,
          Limit: limit - docs.length,
          ExclusiveStartKey: startKey,
        }),
      );
      docs.push(...(out.Items ?? []).map(docFromItem));
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    return docs;
  }

  async stats(terms: readonly string[]): Promise<TermStats> {
    const items = await batchGet(this.dynamo, this.tableName, [STATS_KEY, ...[...new Set(terms)].map(dfKey)]);
    const df = new Map<string, number>();
    let documents = 0;
    let totalLength = 0;
    for (const item of items) {
      if (item.PK === STATS_KEY.PK) {
        documents = Number(item.documents ?? 0);
        totalLength = Number(item.totalLength ?? 0);
      } else df.set((item.PK as string).slice(termPk('').length), Number(item.df ?? 0));
    }
    return { documents, totalLength, df };
  }

  async postings(term: string, limit: number): Promise<PostingList> {
    const out = await this.dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': termPk(term), ':p': POSTING_PREFIX },
        ProjectionExpression: 'SK',
        Limit: limit,
      }),
    );
    return {
      postings: (out.Items ?? []).map((item) => parsePosting(item.SK as string)),
      truncated: out.LastEvaluatedKey !== undefined,
    };
  }

  /**
   * Postings first (puts, then deletes of stale ones), then document frequencies and totals, then
   * the doc, conditional on its version: a crash before the doc leaves the old doc, so the retry
   * diffs against it again (puts and deletes are idempotent; a frequency may count twice, which
   * only nudges ranking: docs/search.md#indexing).
   */
  async replace(previous: SearchDoc | undefined, next: SearchDoc): Promise<void> {
    const change = indexChange(previous, next);
    const requests = [
      ...change.put.map((posting) => ({ PutRequest: { Item: postingKey(posting) } })),
      ...change.remove.map((posting) => ({ DeleteRequest: { Key: postingKey(posting) } })),
    ];
    const batches: (typeof requests)[] = [];
    for (let at = 0; at < requests.length; at += BATCH_WRITE_MAX)
      batches.push(requests.slice(at, at + BATCH_WRITE_MAX));
    await inParallel(batches, (batch) => this.batchWrite(batch));
    const updates: { key: { PK: string; SK: string }; values: Record<string, number> }[] = [
      ...[...change.df].map(([term, delta]) => ({ key: dfKey(term), values: { df: delta } })),
    ];
    if (change.documents !== 0 || change.length !== 0) {
      updates.push({ key: STATS_KEY, values: { documents: change.documents, totalLength: change.length } });
    }
    await inParallel(updates, ({ key, values }) => {
      const names = Object.keys(values);
      return this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `ADD ${names.map((_, i) => `#n${i} :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#n${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, values[name]])),
        }),
      );
    });
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: docItem(next),
          ...(previous
            ? { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': previous.version } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new StaleWriteError(next.ticketId);
      throw error;
    }
  }

  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    let pending: readonly Record<string, unknown>[] | undefined = requests;
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`BatchWriteItem left ${pending.length} requests unprocessed`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
      const out: BatchWriteCommandOutput = await this.dynamo.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: [...pending] as never } }),
      );
      pending = out.UnprocessedItems?.[this.tableName] as readonly Record<string, unknown>[] | undefined;
    }
  }
}

/** Runs `work` over `items`, at most WRITE_CONCURRENCY at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
}
