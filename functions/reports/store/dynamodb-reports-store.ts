import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { cancellationReasons, type TransactItem } from '../../shared/dynamodb/transactions.js';
import { type AggregateChange, keyOfId, type WholeItem } from '../ledger.js';
import { indexedBinOf, type SketchedMetric } from '../sketch.js';
import { bucketList, emptyBuckets, expandBucketLists, isMissingBucketList } from './bucket-lists.js';
import {
  appliedKey,
  type Family,
  freshnessKey,
  openPk,
  outagePk,
  snapshotMarkerKey,
  snapshotPk,
  trackedKey,
} from './report-keys.js';
import type { Item, ReportsStore, Tracked } from './reports-store.js';

/** Pages a read of one partition may take before it stops (a day range is ≤ 366 items, ≤ 2 pages). */
const MAX_PAGES = 20;

export class DynamoReportsStore implements ReportsStore {
  /** Transactions sent (the bench counts them per event). */
  transactions = 0;

  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tracked(recordId: string): Promise<Tracked | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: trackedKey(recordId), ConsistentRead: true }),
    );
    return out.Item ? { version: Number(out.Item.version), facts: out.Item.facts ?? null } : undefined;
  }

  async applyTracked(
    recordId: string,
    version: number,
    readVersion: number | undefined,
    facts: unknown,
    change: AggregateChange,
  ): Promise<'applied' | 'raced'> {
    const marker: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: { ...trackedKey(recordId), version, facts: facts ?? null },
        ...(readVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :read',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':read': readVersion },
            }),
      },
    };
    try {
      await this.transact([marker], change);
      return 'applied';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.some((r) => r.code === 'ConditionalCheckFailed' || r.code === 'TransactionConflict'))
        return 'raced';
      throw error;
    }
  }

  async applyEvent(
    factKey: string,
    change: AggregateChange,
    expiresAt?: number,
  ): Promise<'applied' | 'already'> {
    const marker: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: { ...appliedKey(factKey), ...(expiresAt === undefined ? {} : { expiresAt }) },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transact([marker], change);
        return 'applied';
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0]?.code === 'ConditionalCheckFailed') return 'already';
        // Another event's transaction on a shared day item at the same instant: try again.
        if (!reasons?.some((r) => r.code === 'TransactionConflict') || attempt >= 5) throw error;
      }
    }
  }

  /**
   * The marker and the change in one transaction. An item's first duration of a figure finds no
   * bucket list to add to: DynamoDB refuses the whole transaction, the lists are created (an
   * idempotent `if_not_exists`, once per item and figure) and the same transaction is sent again.
   */
  private async transact(marker: TransactItem[], change: AggregateChange) {
    const { items, lists } = this.changeItems(change);
    for (let attempt = 1; ; attempt++) {
      try {
        this.transactions++;
        await this.dynamo.send(new TransactWriteCommand({ TransactItems: [...marker, ...items] }));
        return;
      } catch (error) {
        if (attempt > 1 || lists.size === 0 || !isMissingBucketList(error)) throw error;
        await this.createBucketLists(lists);
      }
    }
  }

  private async createBucketLists(lists: ReadonlyMap<string, ReadonlySet<SketchedMetric>>) {
    await Promise.all(
      [...lists].map(([id, metrics]) => {
        const names = Object.fromEntries([...metrics].map((metric, n) => [`#l${n}`, bucketList(metric)]));
        return this.dynamo.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOfId(id),
            UpdateExpression: `SET ${Object.keys(names)
              .map((name) => `${name} = if_not_exists(${name}, :empty)`)
              .join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':empty': emptyBuckets() },
          }),
        );
      }),
    );
  }

  /**
   * One action per item: an Update of its numbers and sets (ADD) and bucket counts (`SET q[i] =
   * q[i] + :n` on the figure's list), a Put, or a Delete; and which items' lists it adds to.
   */
  private changeItems(change: AggregateChange) {
    const items: TransactItem[] = [];
    const lists = new Map<string, Set<SketchedMetric>>();
    const ids = new Set([...change.adds.keys(), ...change.sets.keys()]);
    for (const id of ids) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds: string[] = [];
      const buckets: string[] = [];
      let n = 0;
      for (const [name, by] of change.adds.get(id) ?? []) {
        const bucket = indexedBinOf(name);
        values[`:a${n}`] = by;
        if (bucket) {
          const list = `#${bucket.metric}`;
          names[list] = bucketList(bucket.metric);
          buckets.push(`${list}[${bucket.index}] = ${list}[${bucket.index}] + :a${n}`);
          lists.set(id, (lists.get(id) ?? new Set()).add(bucket.metric));
        } else {
          names[`#a${n}`] = name;
          adds.push(`#a${n} :a${n}`);
        }
        n++;
      }
      for (const [name, set] of change.sets.get(id) ?? []) {
        names[`#a${n}`] = name;
        values[`:a${n}`] = new Set(set);
        adds.push(`#a${n} :a${n}`);
        n++;
      }
      const clauses = [
        ...(buckets.length > 0 ? [`SET ${buckets.join(', ')}`] : []),
        ...(adds.length > 0 ? [`ADD ${adds.join(', ')}`] : []),
      ];
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keyOfId(id),
          UpdateExpression: clauses.join(' '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    for (const item of change.puts) items.push({ Put: { TableName: this.tableName, Item: { ...item } } });
    for (const key of change.deletes) items.push({ Delete: { TableName: this.tableName, Key: key } });
    return { items, lists };
  }

  async markFresh(asOf: string): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: freshnessKey,
          UpdateExpression: 'SET asOf = :at',
          ConditionExpression: 'attribute_not_exists(asOf) OR asOf < :at',
          ExpressionAttributeValues: { ':at': asOf },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async freshness(): Promise<string | null> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: freshnessKey }));
    return typeof out.Item?.asOf === 'string' ? out.Item.asOf : null;
  }

  private async queryAll(
    keyCondition: string,
    values: Record<string, unknown>,
  ): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const out = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: keyCondition,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
        }),
      );
      pages++;
      items.push(...(out.Items ?? []).map(expandBucketLists));
      startKey = out.LastEvaluatedKey;
    } while (startKey && pages < MAX_PAGES);
    return { items, pages };
  }

  readDays(pk: string, from: string, to: string) {
    return this.queryAll('PK = :pk AND SK BETWEEN :from AND :to', { ':pk': pk, ':from': from, ':to': to });
  }

  async readOpen(family: Family) {
    return (await this.queryAll('PK = :pk', { ':pk': openPk(family) })).items;
  }

  async readSnapshot(family: Family, day: string) {
    const [marker, items] = await Promise.all([
      this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: snapshotMarkerKey(family, day) })),
      this.queryAll('PK = :pk', { ':pk': snapshotPk(family, day) }),
    ]);
    return marker.Item ? items.items : undefined;
  }

  async writeSnapshot(family: Family, day: string, items: readonly Item[]) {
    const marker = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: snapshotMarkerKey(family, day),
        ConsistentRead: true,
      }),
    );
    if (marker.Item) return false;
    const puts = items.map((item) => ({ PutRequest: { Item: { ...item, PK: snapshotPk(family, day) } } }));
    for (let start = 0; start < puts.length; start += 25) {
      let pending = puts.slice(start, start + 25);
      for (let round = 0; pending.length > 0 && round < 8; round++) {
        const out = await this.dynamo.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
      if (pending.length > 0) throw new Error(`backlog snapshot ${family} ${day}: writes left unprocessed`);
    }
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...snapshotMarkerKey(family, day), items: items.length },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async readOutages(serviceId: string, fromIso: string, toIso: string) {
    const { items } = await this.queryAll('PK = :pk AND SK BETWEEN :from AND :to', {
      ':pk': outagePk(serviceId),
      ':from': fromIso,
      // SKs are `<start>#<incidentId>`: every start before `toIso` sorts below `toIso` itself.
      ':to': toIso,
    });
    return items.filter((item) => String(item.SK) < toIso) as WholeItem[];
  }
}
