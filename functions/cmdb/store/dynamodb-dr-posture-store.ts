import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { cancellationReasons, isContention, type TransactItem } from '../../shared/dynamodb/transactions.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import { type DrPostureItem, type DrState, drCountDelta } from '../dr-posture.js';
import { countsFromItem, rowFromItem, rowKey, stateFromItem, stateKey } from './dr-posture-keys.js';
import {
  DR_COUNTS_KEY,
  DR_UNCOVERED_PARTITION,
  type DrPostureCounts,
  type DrPostureStore,
  type StoredDrState,
} from './dr-posture-store.js';

/** DrPostureStore on the table (layout in dr-posture-store.ts). */
export class DynamoDrPostureStore implements DrPostureStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getState(ciId: string): Promise<StoredDrState> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: stateKey(ciId), ConsistentRead: true }),
    );
    return stateFromItem(out.Item);
  }

  async saveState(ciId: string, before: StoredDrState, after: DrState): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...stateKey(ciId),
            inScope: after.inScope,
            uncovered: after.uncovered,
            revision: before.revision + 1,
          },
          ...(before.revision === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#revision = :revision',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':revision': before.revision },
              }),
        },
      },
    ];
    const oldKey = before.uncovered ? rowKey(before.uncovered) : undefined;
    const newKey = after.uncovered ? rowKey(after.uncovered) : undefined;
    if (oldKey && oldKey.SK !== newKey?.SK)
      items.push({ Delete: { TableName: this.tableName, Key: oldKey } });
    if (after.uncovered) {
      items.push({ Put: { TableName: this.tableName, Item: { ...newKey, ...after.uncovered } } });
    }
    const delta = drCountDelta(before, after);
    if (delta.inScope !== 0 || delta.uncovered !== 0) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: DR_COUNTS_KEY,
          UpdateExpression: 'ADD inScope :inScope, uncovered :uncovered',
          ExpressionAttributeValues: { ':inScope': delta.inScope, ':uncovered': delta.uncovered },
        },
      });
    }
    try {
      await this.dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons && isContention(reasons[0]?.code)) throw new StaleWriteError(ciId);
      throw error;
    }
  }

  async touch(at: string): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: DR_COUNTS_KEY,
          UpdateExpression: 'SET asOf = :at',
          ConditionExpression: 'attribute_not_exists(asOf) OR asOf < :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      // A newer event was applied already: asOf stays.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async counts(): Promise<DrPostureCounts> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: DR_COUNTS_KEY, ConsistentRead: true }),
    );
    return countsFromItem(out.Item);
  }

  uncovered(page: PageRequest): Promise<Page<DrPostureItem>> {
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': DR_UNCOVERED_PARTITION },
        ConsistentRead: true,
      },
      page.limit,
      page.startKey,
      rowFromItem,
    );
  }
}
