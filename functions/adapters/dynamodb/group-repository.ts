import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Group } from '../../domain/groups/model.js';
import type { GroupStore } from '../../ports/group-store.js';
import { type Page, type PageRequest, StaleWriteError } from '../../ports/ticket-store.js';
import { batchGet } from './batch-get.js';
import { groupKey, withoutKeys } from './keys.js';
import { queryPage } from './paging.js';
import { INDEXES, LIST_SORT_KEY } from './table-definition.js';

export class DynamoGroupRepository implements GroupStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Group | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: groupKey(id) }));
    return out.Item ? withoutKeys<Group>(out.Item) : undefined;
  }

  async put(group: Group, expectedVersion: number): Promise<void> {
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...groupKey(group.id),
            [INDEXES.byKind.partitionKey]: 'GROUP',
            [LIST_SORT_KEY]: group.id,
            ...group,
          },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const current = error.Item?.version?.N;
        throw new StaleWriteError(group.id, current === undefined ? undefined : Number(current));
      }
      throw error;
    }
  }

  list(page: PageRequest): Promise<Page<Group>> {
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        IndexName: INDEXES.byKind.name,
        KeyConditionExpression: '#pk = :kind',
        ExpressionAttributeNames: { '#pk': INDEXES.byKind.partitionKey },
        ExpressionAttributeValues: { ':kind': 'GROUP' },
      },
      page.limit,
      page.startKey,
      (item) => withoutKeys<Group>(item),
    );
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    const items = await batchGet(this.dynamo, this.tableName, ids.map(groupKey));
    return new Set(items.map((item) => item.id as string));
  }
}
