import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { INDEXES } from '../../shared/dynamodb/table-definition.js';
import {
  type CancellationReason,
  cancellationReasons,
  type DynamoCompanion,
  type TransactItem,
} from '../../shared/dynamodb/transactions.js';
import { type Page, StaleWriteError } from '../../shared/store.js';
import type { Action, Item, Key } from './error-keys.js';
import {
  ActionConditionFailed,
  KnownErrorRepository,
  type QuerySpec,
  type TableIo,
} from './error-repository.js';
import type { KnownErrorJoin } from './error-store.js';

/** The table operations on DynamoDB. */
class DynamoIo implements TableIo {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly now: () => Date,
  ) {}

  async nextCounter(key: Key): Promise<number> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'sequence' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.sequence);
  }

  async get(key: Key): Promise<Item | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  batchGet(keys: readonly Key[]): Promise<Item[]> {
    return batchGet(this.dynamo, this.tableName, keys);
  }

  query<T>(
    spec: QuerySpec,
    limit: number,
    startKey: Record<string, unknown> | undefined,
    convert: (item: Item) => T | undefined,
  ): Promise<Page<T>> {
    const index = spec.index ? INDEXES[spec.index] : undefined;
    const pk = index?.partitionKey ?? 'PK';
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        ...(index ? { IndexName: index.name } : {}),
        KeyConditionExpression: spec.skPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pk, ...(spec.skPrefix ? { '#sk': 'SK' } : {}) },
        ExpressionAttributeValues: {
          ':pk': spec.partition,
          ...(spec.skPrefix ? { ':prefix': spec.skPrefix } : {}),
        },
        ScanIndexForward: spec.forward,
      },
      limit,
      startKey,
      convert,
    );
  }

  async transact(actions: readonly Action[], token: string): Promise<void> {
    try {
      await this.dynamo.send(
        new TransactWriteCommand({ TransactItems: this.items(actions), ClientRequestToken: token }),
      );
    } catch (error) {
      const failed = conditionFailure(cancellationReasons(error));
      if (failed) throw failed;
      throw error;
    }
  }

  join(actions: readonly Action[], token: string): KnownErrorJoin & DynamoCompanion {
    let carried = false;
    return {
      kind: 'dynamodb',
      items: this.items(actions),
      carried: () => {
        carried = true;
      },
      // Its condition failing means a record it names moved on: the owner re-reads and decides again.
      cancelled: (reasons: readonly CancellationReason[]) =>
        conditionFailure(reasons) ? new StaleWriteError(token) : undefined,
      wasCarried: () => carried,
      writeApart: () => this.transact(actions, token),
    };
  }

  private items(actions: readonly Action[]): TransactItem[] {
    const TableName = this.tableName;
    return actions.map((action): TransactItem => {
      if (action.kind === 'delete') return { Delete: { TableName, Key: action.key } };
      if (action.kind === 'check') {
        return {
          ConditionCheck: {
            TableName,
            Key: action.key,
            ConditionExpression: '#version = :version AND #status = :status',
            ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
            ExpressionAttributeValues: { ':version': action.version, ':status': action.status },
          },
        };
      }
      if (action.kind === 'add') {
        const names = Object.keys(action.counts);
        return {
          Update: {
            TableName,
            Key: action.key,
            UpdateExpression: `ADD ${names.map((_, i) => `#n${i} :v${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#n${i}`, name])),
            ExpressionAttributeValues: Object.fromEntries(
              names.map((name, i) => [`:v${i}`, action.counts[name]]),
            ),
          },
        };
      }
      const condition = action.condition;
      return {
        Put: {
          TableName,
          Item: action.item,
          ...(condition === 'absent'
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : condition
              ? {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': condition.version },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                }
              : {}),
        },
      };
    });
  }
}

function conditionFailure(
  reasons: readonly CancellationReason[] | undefined,
): ActionConditionFailed | undefined {
  if (!reasons) return undefined;
  const positions = reasons.flatMap((reason, index) =>
    reason.code === 'ConditionalCheckFailed' ? [index] : [],
  );
  return positions.length > 0
    ? new ActionConditionFailed(
        positions,
        reasons.map((r) => r.item),
      )
    : undefined;
}

/** Known errors in the table (docs/problems.md#storage). */
export class DynamoKnownErrorStore extends KnownErrorRepository {
  constructor(dynamo: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    super(new DynamoIo(dynamo, tableName, now));
  }
}
