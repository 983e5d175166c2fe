import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { historyPutAction, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { listFromIndex } from '../../shared/dynamodb/indexed-list.js';
import { counterKey, HISTORY_PREFIX, withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryKindByInstant, queryPage } from '../../shared/dynamodb/paging.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { cancellationReasons, isContention } from '../../shared/dynamodb/transactions.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { Change, ChangeHistoryEntry } from '../model.js';
import { CHANGE_PREFIX, withChangeDefaults } from '../model.js';
import {
  CHANGE_KIND,
  callbackItemKey,
  changeCiItem,
  changeFromItem,
  changeIndexKeys,
  changeKey,
  changePk,
  changeServiceItem,
  ciIndexValue,
  indexForChangeQuery,
  MAX_WINDOWS_PER_SERVICE,
  matchesChangeQuery,
  serviceIndexValue,
} from './change-keys.js';
import {
  CallbackConflictError,
  type CallbackKey,
  type CallbackWrite,
  type ChangeQuery,
  type ChangeStore,
  type ChangeWindow,
  type ChangeWrite,
  type PendingCallback,
  type ServiceWindow,
} from './change-store.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Upper bound on queries one CI's overlap check may take (100 windows each). */
const MAX_WINDOW_QUERIES = 10;
/** Overlap queries in flight at once: a related-CI check may read up to 2,000 CIs' windows. */
const WINDOW_QUERIES_IN_FLIGHT = 16;

/** Positions of the actions in a change commit, to read cancellation reasons back. */
const CHANGE_ACTION = 0;
const CALLBACK_ACTION = 2;

export class DynamoChangeRepository implements ChangeStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async nextSequence(): Promise<number> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: counterKey(CHANGE_PREFIX),
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'sequence' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.sequence);
  }

  async get(id: string): Promise<Change | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: changeKey(id) }));
    return out.Item ? changeFromItem(out.Item) : undefined;
  }

  /** One BatchGetItem per 100 ids, keeping the order of `ids`. */
  async getMany(ids: readonly string[]): Promise<Change[]> {
    const items = await batchGet(this.dynamo, this.tableName, ids.map(changeKey));
    const byId = new Map(items.map((item) => [item.id as string, changeFromItem(item)]));
    return ids.map((id) => byId.get(id)).filter((change): change is Change => change !== undefined);
  }

  async commit(write: ChangeWrite): Promise<void> {
    const { before, after, history, callback } = write;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...changeKey(after.id), ...changeIndexKeys(after), ...after },
          ...(before
            ? {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': before.version },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      historyPutAction(this.tableName, changePk(after.id), history),
    ];
    if (callback) items.push(this.callbackAction(after.id, callback, history.at));
    // Windows are fixed once created, so the per-CI items are written with the change, once.
    if (!before) {
      for (const ciId of after.ciIds)
        items.push({ Put: { TableName: this.tableName, Item: changeCiItem(after, ciId) } });
    }
    for (const serviceId of new Set(write.services ?? [])) {
      items.push({ Put: { TableName: this.tableName, Item: changeServiceItem(after, serviceId) } });
    }
    try {
      // A retried transaction with the same token is applied once (10-minute window).
      await this.dynamo.send(
        new TransactWriteCommand({ TransactItems: items, ClientRequestToken: history.id }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const changeReason = reasons[CHANGE_ACTION];
      if (before && isContention(changeReason?.code)) {
        throw new StaleWriteError(after.id, changeReason?.item?.version as number | undefined);
      }
      if (callback && reasons[CALLBACK_ACTION]?.code === 'ConditionalCheckFailed') {
        throw new CallbackConflictError(after.id, callback.key);
      }
      if (reasons.some((reason) => reason.code === 'TransactionConflict'))
        throw new StaleWriteError(after.id);
      throw error;
    }
  }

  private callbackAction(changeId: string, write: CallbackWrite, at: string): TransactItem {
    const Key = callbackItemKey(changeId, write.key);
    if (write.op === 'register') return { Put: this.registerPut(changeId, write.key, write.taskToken, at) };
    if (write.op === 'answer') {
      return {
        Update: {
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET #state = :answered, updatedAt = :at REMOVE taskToken',
          ConditionExpression: '#state = :open AND taskToken = :token',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':answered': 'answered',
            ':open': 'open',
            ':token': write.taskToken,
            ':at': at,
          },
        },
      };
    }
    if (write.op === 'retire') {
      return {
        Update: {
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET updatedAt = :at REMOVE taskToken',
          ConditionExpression: '#state = :open',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':open': 'open', ':at': at },
        },
      };
    }
    return {
      Update: {
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET #state = :open, updatedAt = :at',
        ConditionExpression: '#state = :answered',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':answered': 'answered', ':open': 'open', ':at': at },
      },
    };
  }

  /** A fresh token may replace an open (dead) one, never an answer being recorded. */
  private registerPut(changeId: string, key: CallbackKey, taskToken: string, at: string) {
    return {
      TableName: this.tableName,
      Item: { ...callbackItemKey(changeId, key), key, taskToken, state: 'open', updatedAt: at },
      ConditionExpression: 'attribute_not_exists(PK) OR #state = :open',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':open': 'open' },
    };
  }

  async registerCallback(changeId: string, key: CallbackKey, taskToken: string, at: string): Promise<void> {
    try {
      await this.dynamo.send(new PutCommand(this.registerPut(changeId, key, taskToken, at)));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new CallbackConflictError(changeId, key);
      throw error;
    }
  }

  async getCallback(changeId: string, key: CallbackKey): Promise<PendingCallback | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: callbackItemKey(changeId, key),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return {
      key: out.Item.key as CallbackKey,
      taskToken: (out.Item.taskToken as string | undefined) ?? null,
      state: out.Item.state as PendingCallback['state'],
      updatedAt: out.Item.updatedAt as string,
    };
  }

  async list(query: ChangeQuery, page: PageRequest): Promise<Page<Change>> {
    const found = await listFromIndex<Change>(this.dynamo, this.tableName, indexForChangeQuery(query), page, {
      matches: (change) => matchesChangeQuery(change, query),
      membershipId: 'changeId',
      getMany: (ids) => this.getMany(ids),
    });
    return { ...found, items: found.items.map(withChangeDefaults) };
  }

  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Change>> {
    return queryKindByInstant(this.dynamo, this.tableName, CHANGE_KIND, { from, to }, page, changeFromItem);
  }

  listHistory(changeId: string, page: PageRequest): Promise<Page<ChangeHistoryEntry>> {
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': changePk(changeId), ':prefix': HISTORY_PREFIX },
        ScanIndexForward: true,
      },
      page.limit,
      page.startKey,
      (item) => unpackHistoryEvents(withoutKeys<ChangeHistoryEntry>(item)),
    );
  }

  async windowsOnCis(ciIds: readonly string[], from: string, to: string): Promise<ChangeWindow[]> {
    const perCi = await inWaves(ciIds, (ciId) => this.windowsIn(ciIndexValue(ciId), from, to, true));
    return perCi.flat();
  }

  async windowsOnServices(serviceIds: readonly string[], from: string, to: string): Promise<ServiceWindow[]> {
    const perService = await inWaves(serviceIds, async (serviceId) =>
      (await this.windowsIn(serviceIndexValue(serviceId), from, to, false)).map((w) => ({ ...w, serviceId })),
    );
    return perService.flat();
  }

  /**
   * `listSk` is `<plannedStart>#<id>`: a range on it selects windows starting in [from, to). Past the
   * bound a CI's read fails (as it always has); a service's stops at the earliest
   * MAX_WINDOWS_PER_SERVICE (a shared-service link is advisory).
   */
  private async windowsIn(
    partition: string,
    from: string,
    to: string,
    failPastBound: boolean,
  ): Promise<ChangeWindow[]> {
    const windows: ChangeWindow[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_WINDOW_QUERIES; round++) {
      const out = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.byCi.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': INDEXES.byCi.partitionKey, '#sk': LIST_SORT_KEY },
          ExpressionAttributeValues: { ':pk': partition, ':from': from, ':to': to },
          Limit: 100,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        windows.push({
          changeId: item.changeId as string,
          plannedStart: item.plannedStart as string,
          plannedEnd: item.plannedEnd as string,
        });
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) return windows;
    }
    if (!failPastBound) return windows.slice(0, MAX_WINDOWS_PER_SERVICE);
    throw new Error(`more than ${MAX_WINDOW_QUERIES * 100} change windows on ${partition} in one range`);
  }
}

/** `read` for every id, at most WINDOW_QUERIES_IN_FLIGHT at once, results in the order of `ids`. */
async function inWaves<T>(ids: readonly string[], read: (id: string) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < ids.length; start += WINDOW_QUERIES_IN_FLIGHT) {
    results.push(...(await Promise.all(ids.slice(start, start + WINDOW_QUERIES_IN_FLIGHT).map(read))));
  }
  return results;
}
