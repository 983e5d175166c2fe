import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dueIndexKeys, queryDue } from '../../shared/dynamodb/due-index.js';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { TTL_ATTRIBUTE } from '../../shared/dynamodb/table-definition.js';
import {
  type CancellationReason,
  cancellationReasons,
  type DynamoCompanion,
  isContention,
  type TransactItem,
} from '../../shared/dynamodb/transactions.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import { type AlertRecord, LATER_RECORD_FIELDS, type StoredIntegration, type StormState } from '../model.js';
import {
  AlertRaceError,
  type AlertStore,
  alertRecordKey,
  FLAP_DUE_PARTITION,
  type FlapDue,
  integrationKey,
  routingKeyKey,
  type StormWrite,
  stormCounterKey,
  stormKey,
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
    return out.Item ? recordOf(out.Item) : undefined;
  }

  listFlapDue(until: string, page: PageRequest): Promise<Page<FlapDue>> {
    return queryDue(this.dynamo, this.tableName, FLAP_DUE_PARTITION, until, page, (item) => ({
      integrationId: String(item.integrationId),
      dedupKey: String(item.dedupKey),
      flapQuietUntil: String(item.flapQuietUntil),
    }));
  }

  async saveRecord(record: AlertRecord, expectedVersion: number, storm?: StormWrite): Promise<void> {
    try {
      if (!storm) {
        await this.dynamo.send(new PutCommand(this.recordPut(record, expectedVersion)));
        return;
      }
      await this.dynamo.send(
        new TransactWriteCommand({ TransactItems: this.items(record, expectedVersion, storm) }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (error instanceof ConditionalCheckFailedException || reasons?.some((r) => isContention(r.code))) {
        throw new AlertRaceError(record.dedupKey);
      }
      throw error;
    }
  }

  recordCompanion(record: AlertRecord, expectedVersion: number, storm?: StormWrite): DynamoCompanion {
    return {
      kind: 'dynamodb',
      items: this.items(record, expectedVersion, storm),
      carried: () => {},
      cancelled: (reasons: readonly CancellationReason[]) =>
        reasons.some((reason) => isContention(reason?.code))
          ? new AlertRaceError(record.dedupKey)
          : undefined,
    };
  }

  async getStorm(integrationId: string): Promise<StormState> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: stormKey(integrationId), ConsistentRead: true }),
    );
    return out.Item
      ? withoutKeys<StormState>(out.Item)
      : { integrationId, incidentId: null, firing: 0, version: 0 };
  }

  async countNewIncident(integrationId: string, minute: string): Promise<number> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: stormCounterKey(integrationId, minute),
        UpdateExpression: 'ADD #count :one SET #expiration = if_not_exists(#expiration, :expires)',
        ExpressionAttributeNames: { '#count': 'count', '#expiration': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':one': 1,
          // Clean-up only (TTL is never a timer): a day after the minute.
          ':expires': Math.floor(Date.parse(`${minute}:00Z`) / 1000) + 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.count ?? 1);
  }

  async uncountNewIncident(integrationId: string, minute: string): Promise<void> {
    await this.dynamo
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stormCounterKey(integrationId, minute),
          UpdateExpression: 'ADD #count :minusOne',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  private items(record: AlertRecord, expectedVersion: number, storm?: StormWrite): TransactItem[] {
    const items: TransactItem[] = [{ Put: this.recordPut(record, expectedVersion) }];
    if (storm) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...stormKey(storm.state.integrationId), ...storm.state },
          ...versionCondition(storm.expectedVersion),
        },
      });
    }
    return items;
  }

  private recordPut(record: AlertRecord, expectedVersion: number) {
    const key = alertRecordKey(record.integrationId, record.dedupKey);
    return {
      TableName: this.tableName,
      Item: { ...key, ...record, ...flapDueKeys(record, key.PK) },
      ...versionCondition(expectedVersion),
    };
  }
}

function versionCondition(expectedVersion: number) {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
}

/** While a key flaps, its record is in the sweeper's due index (a Put without them takes it out). */
function flapDueKeys(record: AlertRecord, pk: string): Record<string, string> {
  if (!record.flapping || !record.flapQuietUntil) return {};
  return dueIndexKeys(FLAP_DUE_PARTITION, record.flapQuietUntil, pk);
}

function recordOf(item: Record<string, unknown>): AlertRecord {
  return { ...LATER_RECORD_FIELDS, ...withoutKeys<AlertRecord>(item) };
}
