import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { listKind } from '../../shared/dynamodb/indexed-list.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { versionedPut } from '../../shared/dynamodb/versioned-put.js';
import type { Page, PageRequest } from '../../shared/store.js';
import { type FreezeWindow, withFreezeWindowDefaults } from '../model.js';
import { FREEZE_KIND, freezeWindowFromItem, freezeWindowKey } from './change-keys.js';
import type { FreezeWindowStore } from './change-store.js';

/** Upper bound on queries an overlap lookup takes; freeze windows number in the dozens. */
const MAX_QUERIES = 10;

/** Freeze windows in the `FREEZE` partition of `byKind`, sorted by `<start>#<id>`. */
export class DynamoFreezeWindowRepository implements FreezeWindowStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<FreezeWindow | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: freezeWindowKey(id) }),
    );
    return out.Item ? freezeWindowFromItem(out.Item) : undefined;
  }

  put(window: FreezeWindow, expectedVersion: number): Promise<void> {
    const item = {
      ...freezeWindowKey(window.id),
      [INDEXES.byKind.partitionKey]: FREEZE_KIND,
      [LIST_SORT_KEY]: `${window.start}#${window.id}`,
      ...window,
    };
    return versionedPut(this.dynamo, this.tableName, item, expectedVersion);
  }

  async list(page: PageRequest): Promise<Page<FreezeWindow>> {
    const found = await listKind<FreezeWindow>(this.dynamo, this.tableName, FREEZE_KIND, page);
    return { ...found, items: found.items.map(withFreezeWindowDefaults) };
  }

  /** Windows starting before `to` (a key range) and ending after `from` (a filter). */
  async overlapping(from: string, to: string): Promise<FreezeWindow[]> {
    const windows: FreezeWindow[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_QUERIES; round++) {
      const out = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.byKind.name,
          KeyConditionExpression: '#pk = :kind AND #sk < :to',
          FilterExpression: '#end > :from',
          ExpressionAttributeNames: {
            '#pk': INDEXES.byKind.partitionKey,
            '#sk': LIST_SORT_KEY,
            '#end': 'end',
          },
          ExpressionAttributeValues: { ':kind': FREEZE_KIND, ':to': to, ':from': from },
          ExclusiveStartKey: startKey,
        }),
      );
      windows.push(...(out.Items ?? []).map((item) => freezeWindowFromItem(item)));
      startKey = out.LastEvaluatedKey;
      if (!startKey) return windows;
    }
    throw new Error(`more freeze windows than ${MAX_QUERIES} queries read before ${to}`);
  }
}
