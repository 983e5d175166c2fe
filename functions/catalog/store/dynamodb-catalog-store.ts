import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { queryDue } from '../../shared/dynamodb/due-index.js';
import { historyPutAction } from '../../shared/dynamodb/history-item.js';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { INDEXES } from '../../shared/dynamodb/table-definition.js';
import {
  cancellationReasons,
  type DynamoCompanion,
  isContention,
} from '../../shared/dynamodb/transactions.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { CatalogHistoryEntry, CatalogItem } from '../model.js';
import {
  APPROVAL_DUE_PARTITION,
  approvalDueItem,
  catalogIndexKeys,
  catalogKey,
  catalogListIndex,
  catalogPk,
} from './catalog-keys.js';
import {
  type ApprovalDue,
  type CatalogQuery,
  type CatalogStore,
  matchesCatalogQuery,
} from './catalog-store.js';

export class DynamoCatalogRepository implements CatalogStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<CatalogItem | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: catalogKey(id), ConsistentRead: true }),
    );
    return out.Item ? withoutKeys<CatalogItem>(out.Item) : undefined;
  }

  async put(item: CatalogItem, expectedVersion: number, history: CatalogHistoryEntry): Promise<void> {
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...catalogKey(item.id), ...catalogIndexKeys(item), ...item },
                ...(expectedVersion === 0
                  ? { ConditionExpression: 'attribute_not_exists(PK)' }
                  : {
                      ConditionExpression: '#version = :expected',
                      ExpressionAttributeNames: { '#version': 'version' },
                      ExpressionAttributeValues: { ':expected': expectedVersion },
                    }),
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            historyPutAction(this.tableName, catalogPk(item.id), history),
          ],
          ClientRequestToken: history.id,
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons && isContention(reasons[0]?.code)) {
        throw new StaleWriteError(item.id, reasons[0]?.item?.version as number | undefined);
      }
      throw error;
    }
  }

  list(query: CatalogQuery, page: PageRequest): Promise<Page<CatalogItem>> {
    const target = catalogListIndex(query);
    const index = INDEXES[target.index];
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': target.value },
      },
      page.limit,
      page.startKey,
      (raw) => {
        const item = withoutKeys<CatalogItem>(raw);
        return matchesCatalogQuery(item, query) ? item : undefined;
      },
    );
  }

  listApprovalDue(until: string, page: PageRequest): Promise<Page<ApprovalDue>> {
    return queryDue(this.dynamo, this.tableName, APPROVAL_DUE_PARTITION, until, page, (raw) => ({
      ticketId: String(raw.ticketId),
      dueAt: String(raw.dueAt),
    }));
  }

  approvalDueCompanion(ticketId: string, dueAt: string | null): DynamoCompanion & { wasCarried(): boolean } {
    let carried = false;
    return {
      kind: 'dynamodb',
      items: [{ Put: { TableName: this.tableName, Item: approvalDueItem(ticketId, dueAt) } }],
      carried: () => {
        carried = true;
      },
      cancelled: () => undefined,
      wasCarried: () => carried,
    };
  }

  async setApprovalDue(ticketId: string, dueAt: string | null): Promise<void> {
    await this.dynamo.send(
      new PutCommand({ TableName: this.tableName, Item: approvalDueItem(ticketId, dueAt) }),
    );
  }
}
