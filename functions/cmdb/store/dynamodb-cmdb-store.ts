import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { dueIndexKeys, queryDue } from '../../shared/dynamodb/due-index.js';
import { historyPutAction, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { HISTORY_PREFIX, withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { cancellationReasons, isContention, type TransactItem } from '../../shared/dynamodb/transactions.js';
import { mergedPage } from '../../shared/merged-pages.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { CiClass } from '../classes.js';
import type { GraphEdge, GraphNode, GraphReader, ImpactDirection } from '../graph.js';
import type { Ci, CiHistoryEntry } from '../model.js';
import type { RelationshipDirection, RelationshipType } from '../relationship-types.js';
import {
  bookkeepingOf,
  ciFromItem,
  ciKey,
  ciPk,
  classKey,
  identifierClaimKey,
  MEMBER_PREFIX,
  memberKey,
  relationshipSk,
  WARRANTY_DUE_PARTITION,
  warrantyKey,
} from './cmdb-keys.js';
import { type CiIndexTarget, CLASS_MERGE_KEYS, ciIndexTargets, matchesCiQuery } from './cmdb-queries.js';
import {
  type CiQuery,
  type CiWrite,
  ClaimTakenError,
  type CmdbStore,
  type RelationshipFilter,
  RelationshipRefusedError,
  type RelationshipWrite,
  type StoredRelationship,
  type WarrantyDue,
} from './cmdb-store.js';
import {
  ciUpdate,
  claimActions,
  graphNodeFrom,
  type RelationshipPlan,
  relationshipItems,
  relationshipPlan,
  storedRelationshipFrom,
} from './cmdb-writes.js';

/** Walk queries in flight at once (docs/cmdb.md#impact-analysis). */
const WALK_CONCURRENCY = 16;
/** Transactions carry at most 100 actions; membership changes go in chunks of this many CIs. */
const MEMBERS_PER_TRANSACTION = 50;

export class DynamoCmdbRepository implements CmdbStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCi(id: string): Promise<Ci | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: ciKey(id) }));
    return out.Item ? ciFromItem(out.Item) : undefined;
  }

  async getCis(ids: readonly string[]): Promise<Map<string, Ci>> {
    const items = await batchGet(this.dynamo, this.tableName, [...new Set(ids)].map(ciKey));
    return new Map(items.map((item) => [item.id as string, ciFromItem(item)]));
  }

  async putCi(write: CiWrite): Promise<void> {
    const { before, after, history } = write;
    const update = ciUpdate(before, after);
    const claims = claimActions(before, after);
    const actions: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: ciKey(after.id),
          ...update,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      this.historyPut(after.id, history),
      ...claims.map(
        (claim): TransactItem =>
          claim.op === 'put'
            ? {
                Put: {
                  TableName: this.tableName,
                  Item: { ...claim.key, ciId: after.id, claim: claim.claim, value: claim.value },
                  ConditionExpression: 'attribute_not_exists(PK) OR ciId = :me',
                  ExpressionAttributeValues: { ':me': after.id },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              }
            : { Delete: { TableName: this.tableName, Key: claim.key } },
      ),
    ];
    if (write.warrantyNoticeAt === null) {
      actions.push({ Delete: { TableName: this.tableName, Key: warrantyKey(after.id) } });
    } else if (write.warrantyNoticeAt !== undefined) {
      actions.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...warrantyKey(after.id),
            ...dueIndexKeys(WARRANTY_DUE_PARTITION, write.warrantyNoticeAt, after.id),
            ciId: after.id,
            noticeAt: write.warrantyNoticeAt,
          },
        },
      });
    }
    try {
      await this.dynamo.send(
        new TransactWriteCommand({ TransactItems: actions, ClientRequestToken: history.id }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (isContention(reasons[0]?.code)) {
        throw new StaleWriteError(after.id, reasons[0]?.item?.version as number | undefined);
      }
      claims.forEach((claim, index) => {
        const reason = reasons[index + 2];
        if (claim.op === 'put' && reason?.code === 'ConditionalCheckFailed') {
          throw new ClaimTakenError(claim.claim, claim.value, String(reason.item?.ciId ?? 'another CI'));
        }
      });
      if (reasons.some((reason) => reason.code === 'TransactionConflict'))
        throw new StaleWriteError(after.id);
      throw error;
    }
  }

  async ciByIdentifier(identifier: string): Promise<string | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: identifierClaimKey(identifier) }),
    );
    return out.Item?.ciId as string | undefined;
  }

  listCis(query: CiQuery, page: PageRequest): Promise<Page<Ci>> {
    const targets = ciIndexTargets(query);
    if (targets.length === 1) return this.listTarget(targets[0]!, query, page);
    return mergedPage(
      targets.map((target) => target.value),
      page,
      (value, request) => this.listTarget(targets.find((t) => t.value === value)!, query, request),
      CLASS_MERGE_KEYS,
    );
  }

  private listTarget(target: CiIndexTarget, query: CiQuery, page: PageRequest): Promise<Page<Ci>> {
    const definition = INDEXES[target.index];
    const sortKey = target.index === 'bySlaDeadline' ? definition.sortKey : LIST_SORT_KEY;
    const input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'> = {
      TableName: this.tableName,
      IndexName: definition.name,
      KeyConditionExpression: target.below === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :below',
      ExpressionAttributeNames: {
        '#pk': definition.partitionKey,
        ...(target.below === undefined ? {} : { '#sk': sortKey }),
      },
      ExpressionAttributeValues: {
        ':pk': target.value,
        ...(target.below === undefined ? {} : { ':below': target.below }),
      },
      ScanIndexForward: true,
    };
    return queryPage(this.dynamo, input, page.limit, page.startKey, (item) => {
      const ci = ciFromItem(item);
      return matchesCiQuery(ci, query) ? ci : undefined;
    });
  }

  listHistory(ciId: string, page: PageRequest): Promise<Page<CiHistoryEntry>> {
    return queryPage(
      this.dynamo,
      this.childrenQuery(ciPk(ciId), HISTORY_PREFIX),
      page.limit,
      page.startKey,
      (item) => unpackHistoryEvents(withoutKeys<CiHistoryEntry>(item)),
    );
  }

  async getRelationship(
    ciId: string,
    type: RelationshipType,
    direction: RelationshipDirection,
    otherId: string,
  ): Promise<StoredRelationship | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: ciPk(ciId), SK: relationshipSk(type, direction, otherId) },
      }),
    );
    return out.Item ? storedRelationshipFrom(out.Item) : undefined;
  }

  async containers(ciId: string, limit: number): Promise<string[]> {
    const chain: string[] = [];
    let current: string | null = ciId;
    while (current && chain.length < limit) {
      const out: { Item?: Record<string, unknown> } = await this.dynamo.send(
        new GetCommand({
          TableName: this.tableName,
          Key: ciKey(current),
          ProjectionExpression: 'containedBy',
        }),
      );
      current = out.Item ? bookkeepingOf(out.Item).containedBy : null;
      if (current) {
        if (chain.includes(current)) break;
        chain.push(current);
      }
    }
    return chain;
  }

  addRelationship(write: RelationshipWrite): Promise<boolean> {
    return this.writeRelationship(relationshipPlan(write, 'add'));
  }

  removeRelationship(write: RelationshipWrite): Promise<boolean> {
    return this.writeRelationship(relationshipPlan(write, 'remove'));
  }

  private async writeRelationship(plan: RelationshipPlan): Promise<boolean> {
    const actions: TransactItem[] = [
      ...relationshipItems(plan).map(
        (item): TransactItem =>
          plan.op === 'add'
            ? {
                Put: {
                  TableName: this.tableName,
                  Item: item,
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              }
            : {
                Delete: {
                  TableName: this.tableName,
                  Key: { PK: item.PK, SK: item.SK },
                  ConditionExpression: 'attribute_exists(PK)',
                },
              },
      ),
      ...plan.counts.map(
        (count): TransactItem => ({
          Update: {
            TableName: this.tableName,
            Key: ciKey(count.ciId),
            UpdateExpression: count.expression,
            ConditionExpression: count.condition,
            ExpressionAttributeNames: count.names,
            ExpressionAttributeValues: count.values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        }),
      ),
      ...plan.history.map(([ciId, entry]) => this.historyPut(ciId, entry)),
    ];
    try {
      await this.dynamo.send(
        new TransactWriteCommand({ TransactItems: actions, ClientRequestToken: plan.history[0]![1].id }),
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // The relationship items come first: already there (add) or already gone (remove).
      if (reasons[0]?.code === 'ConditionalCheckFailed' || reasons[1]?.code === 'ConditionalCheckFailed')
        return false;
      plan.counts.forEach((count, index) => {
        const reason = reasons[index + 2];
        if (reason?.code === 'ConditionalCheckFailed')
          throw new RelationshipRefusedError(count.refusal(reason.item));
      });
      if (reasons.some((reason) => reason.code === 'TransactionConflict'))
        throw new RelationshipRefusedError({ kind: 'changed' });
      throw error;
    }
  }

  async listRelationships(
    ciId: string,
    filter: RelationshipFilter,
    page: PageRequest,
  ): Promise<Page<StoredRelationship>> {
    return queryPage(this.dynamo, this.childrenQuery(ciPk(ciId), 'R#'), page.limit, page.startKey, (item) => {
      const stored = storedRelationshipFrom(item);
      if (filter.type !== undefined && stored.type !== filter.type) return undefined;
      if (filter.direction !== undefined && stored.direction !== filter.direction) return undefined;
      return stored;
    });
  }

  graph(): GraphReader {
    return {
      edges: (ids, direction) => this.edges(ids, direction),
      nodes: async (ids) => {
        const items = await batchGet(this.dynamo, this.tableName, ids.map(ciKey));
        return new Map<string, GraphNode>(items.map((item) => [item.id as string, graphNodeFrom(item)]));
      },
    };
  }

  private async edges(ids: readonly string[], direction: ImpactDirection): Promise<Map<string, GraphEdge[]>> {
    const result = new Map<string, GraphEdge[]>();
    const prefix = direction === 'downstream' ? 'R#D#' : 'R#U#';
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const edges: GraphEdge[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const out = await this.dynamo.send(
            new QueryCommand({ ...this.childrenQuery(ciPk(id), prefix), ExclusiveStartKey: startKey }),
          );
          for (const item of out.Items ?? []) {
            const stored = storedRelationshipFrom(item);
            edges.push(
              direction === 'downstream'
                ? { from: id, to: stored.ciId, type: stored.type }
                : { from: stored.ciId, to: id, type: stored.type },
            );
          }
          startKey = out.LastEvaluatedKey;
        } while (startKey);
        result.set(id, edges);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WALK_CONCURRENCY, ids.length) }, worker));
    return result;
  }

  async serviceMembers(serviceId: string): Promise<Set<string>> {
    const members = new Set<string>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.dynamo.send(
        new QueryCommand({
          ...this.childrenQuery(`SERVICE#${serviceId}`, MEMBER_PREFIX),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) members.add(String(item.SK).slice(MEMBER_PREFIX.length));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return members;
  }

  async applyServiceMembership(
    serviceId: string,
    change: {
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly truncated: boolean;
    },
    at: string,
  ): Promise<void> {
    const perCi = [
      ...change.added.map((ciId) => ({ ciId, add: true })),
      ...change.removed.map((ciId) => ({ ciId, add: false })),
    ];
    const chunks: (typeof perCi)[] = [];
    for (let start = 0; start < perCi.length; start += MEMBERS_PER_TRANSACTION)
      chunks.push(perCi.slice(start, start + MEMBERS_PER_TRANSACTION));
    // Chunks are independent and idempotent (ADD/DELETE of a set member), so a retry completes a partial run.
    await Promise.all(
      chunks.map((chunk) =>
        this.dynamo.send(
          new TransactWriteCommand({
            TransactItems: chunk.flatMap(({ ciId, add }): TransactItem[] => [
              add
                ? { Put: { TableName: this.tableName, Item: { ...memberKey(serviceId, ciId), at } } }
                : { Delete: { TableName: this.tableName, Key: memberKey(serviceId, ciId) } },
              {
                Update: {
                  TableName: this.tableName,
                  Key: ciKey(ciId),
                  UpdateExpression: `${add ? 'ADD' : 'DELETE'} closureServiceIds :svc SET closureComputedAt = :at, closureTruncated = :truncated`,
                  ConditionExpression: 'attribute_exists(PK)',
                  ExpressionAttributeValues: {
                    ':svc': new Set([serviceId]),
                    ':at': at,
                    ':truncated': change.truncated,
                  },
                },
              },
            ]),
          }),
        ),
      ),
    );
  }

  async getClass(id: string): Promise<CiClass | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: classKey(id) }));
    return out.Item ? withoutKeys<CiClass>(out.Item) : undefined;
  }

  async listClasses(): Promise<CiClass[]> {
    const classes: CiClass[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await queryPage(
        this.dynamo,
        {
          TableName: this.tableName,
          IndexName: INDEXES.byKind.name,
          KeyConditionExpression: '#pk = :kind',
          ExpressionAttributeNames: { '#pk': INDEXES.byKind.partitionKey },
          ExpressionAttributeValues: { ':kind': 'CICLASS' },
        },
        100,
        startKey,
        (item) => withoutKeys<CiClass>(item),
      );
      classes.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    return classes;
  }

  async putClass(ciClass: CiClass, expectedVersion: number): Promise<void> {
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...classKey(ciClass.id),
                  [INDEXES.byKind.partitionKey]: 'CICLASS',
                  [LIST_SORT_KEY]: ciClass.id,
                  ...ciClass,
                },
                ...(expectedVersion === 0
                  ? { ConditionExpression: 'attribute_not_exists(PK)' }
                  : {
                      ConditionExpression: '#version = :expected',
                      ExpressionAttributeNames: { '#version': 'version' },
                      ExpressionAttributeValues: { ':expected': expectedVersion },
                    }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons && isContention(reasons[0]?.code)) throw new StaleWriteError(ciClass.id);
      throw error;
    }
  }

  listWarrantyDue(until: string, page: PageRequest): Promise<Page<WarrantyDue>> {
    return queryDue(this.dynamo, this.tableName, WARRANTY_DUE_PARTITION, until, page, (item) => ({
      ciId: String(item.ciId),
      noticeAt: String(item.noticeAt),
    }));
  }

  async recordWarrantyNotice(due: WarrantyDue, history: CiHistoryEntry): Promise<boolean> {
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: warrantyKey(due.ciId),
                ConditionExpression: 'noticeAt = :at',
                ExpressionAttributeValues: { ':at': due.noticeAt },
              },
            },
            this.historyPut(due.ciId, history),
          ],
          ClientRequestToken: history.id,
        }),
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons && isContention(reasons[0]?.code)) return false;
      throw error;
    }
  }

  private historyPut(ciId: string, history: CiHistoryEntry): TransactItem {
    return historyPutAction(this.tableName, ciPk(ciId), history);
  }

  private childrenQuery(pk: string, prefix: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ScanIndexForward: true,
    };
  }
}
