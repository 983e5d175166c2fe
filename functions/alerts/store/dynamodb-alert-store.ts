import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
import {
  type CancellationReason,
  cancellationReasons,
  type DynamoCompanion,
  isContention,
  type TransactItem,
} from '../../shared/dynamodb/transactions.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { AlertRecord, StoredIntegration } from '../model.js';
import {
  AlertRaceError,
  type AlertStore,
  alertRecordKey,
  integrationKey,
  routingKeyKey,
} from './alert-store.js';

export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getIntegration(id: string): Promise<StoredIntegration | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: integrationKey(id) }),
    );
    return out.Item ? withoutKeys<StoredIntegration>(out.Item) : undefined;
  }

  listIntegrations(page: PageRequest): Promise<Page<StoredIntegration>> {
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'INTEGRATION' },
      },
      page.limit,
      page.startKey,
      (item) => withoutKeys<StoredIntegration>(item),
    );
  }

  async putIntegration(integration: StoredIntegration, expectedVersion: number): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...integrationKey(integration.id), ...integration },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        },
      },
      ...integration.secrets.map(
        (secret): TransactItem => ({
          Put: {
            TableName: this.tableName,
            Item: {
              ...routingKeyKey(secret.digest),
              integrationId: integration.id,
              validUntil: secret.validUntil,
            },
          },
        }),
      ),
    ];
    try {
      await this.dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.some((reason) => isContention(reason.code))) {
        throw new StaleWriteError(integration.id);
      }
      throw error;
    }
  }

  async integrationByKeyDigest(
    digest: string,
  ): Promise<{ integrationId: string; validUntil: string | null } | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: routingKeyKey(digest) }),
    );
    if (!out.Item) return undefined;
    return {
      integrationId: out.Item.integrationId as string,
      validUntil: (out.Item.validUntil as string | null) ?? null,
    };
  }

  async getRecord(integrationId: string, dedupKey: string): Promise<AlertRecord | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: alertRecordKey(integrationId, dedupKey),
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<AlertRecord>(out.Item) : undefined;
  }

  async saveRecord(record: AlertRecord, expectedVersion: number): Promise<void> {
    try {
      await this.dynamo.send(new PutCommand(this.recordPut(record, expectedVersion)));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AlertRaceError(record.dedupKey);
      throw error;
    }
  }

  recordCompanion(record: AlertRecord, expectedVersion: number): DynamoCompanion {
    return {
      kind: 'dynamodb',
      items: [{ Put: this.recordPut(record, expectedVersion) }],
      carried: () => {},
      cancelled: (reasons: readonly CancellationReason[]) =>
        isContention(reasons[0]?.code) ? new AlertRaceError(record.dedupKey) : undefined,
    };
  }

  private recordPut(record: AlertRecord, expectedVersion: number) {
    return {
      TableName: this.tableName,
      Item: { ...alertRecordKey(record.integrationId, record.dedupKey), ...record },
      ...(expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
    };
  }
}
