import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { INDEXES, type IndexName, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { versionedPut } from '../../shared/dynamodb/versioned-put.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { SavedView } from '../view-model.js';
import { ownedPartition, sharedPartition, type ViewStore, viewKey, viewSortKey } from './view-store.js';

export class DynamoViewStore implements ViewStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<SavedView | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: viewKey(id) }));
    return out.Item ? withoutKeys<SavedView>(out.Item) : undefined;
  }

  put(view: SavedView, expectedVersion: number): Promise<void> {
    const item = {
      ...viewKey(view.id),
      [INDEXES.byAssignee.partitionKey]: ownedPartition(view.owner),
      ...(view.group === null ? {} : { [INDEXES.byGroup.partitionKey]: sharedPartition(view.group) }),
      [LIST_SORT_KEY]: viewSortKey(view),
      ...view,
    };
    return versionedPut(this.dynamo, this.tableName, item, expectedVersion);
  }

  async delete(id: string): Promise<void> {
    await this.dynamo.send(new DeleteCommand({ TableName: this.tableName, Key: viewKey(id) }));
  }

  listOwned(owner: string, page: PageRequest): Promise<Page<SavedView>> {
    return this.listIndex('byAssignee', ownedPartition(owner), page);
  }

  listShared(group: string, page: PageRequest): Promise<Page<SavedView>> {
    return this.listIndex('byGroup', sharedPartition(group), page);
  }

  private listIndex(index: IndexName, partition: string, page: PageRequest): Promise<Page<SavedView>> {
    const definition = INDEXES[index];
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        IndexName: definition.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': definition.partitionKey },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      page.limit,
      page.startKey,
      (item) => withoutKeys<SavedView>(item),
    );
  }
}
