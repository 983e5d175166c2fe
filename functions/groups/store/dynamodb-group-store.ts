import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { listKind } from '../../shared/dynamodb/indexed-list.js';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { versionedPut } from '../../shared/dynamodb/versioned-put.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { Group } from '../model.js';
import { groupKey } from './group-keys.js';
import type { GroupStore } from './group-store.js';

export class DynamoGroupRepository implements GroupStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Group | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: groupKey(id) }));
    return out.Item ? withoutKeys<Group>(out.Item) : undefined;
  }

  put(group: Group, expectedVersion: number): Promise<void> {
    const item = {
      ...groupKey(group.id),
      [INDEXES.byKind.partitionKey]: 'GROUP',
      [LIST_SORT_KEY]: group.id,
      ...group,
    };
    return versionedPut(this.dynamo, this.tableName, item, expectedVersion);
  }

  list(page: PageRequest): Promise<Page<Group>> {
    return listKind<Group>(this.dynamo, this.tableName, 'GROUP', page);
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    const items = await batchGet(this.dynamo, this.tableName, ids.map(groupKey));
    return new Set(items.map((item) => item.id as string));
  }
}
