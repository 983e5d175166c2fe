import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expiresAfterDays, isConditionFailure, notificationKey } from './mail-keys.js';
import type { NotificationLedger } from './ports.js';

/** EventBridge retries for at most 24 hours: a month of memory is plenty to drop redeliveries. */
const RETENTION_DAYS = 30;

/** One notification per domain event: a claim keyed by the event id, with a lease for crashed attempts. */
export class DynamoNotificationLedger implements NotificationLedger {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(eventId: string, now: Date, leaseMs: number): Promise<'claimed' | 'done' | 'in-progress'> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...notificationKey(eventId),
            state: 'sending',
            leaseUntil,
            expiration: expiresAfterDays(now, RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR (#state <> :done AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': 'done', ':now': now.toISOString() },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: notificationKey(eventId), ConsistentRead: true }),
    );
    return out.Item?.state === 'done' ? 'done' : 'in-progress';
  }

  async complete(eventId: string, outcome: string, now: Date): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(eventId),
        UpdateExpression: 'SET #state = :done, outcome = :outcome, completedAt = :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome, ':now': now.toISOString() },
      }),
    );
  }

  async release(eventId: string): Promise<void> {
    await this.dynamo
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(eventId),
          UpdateExpression: 'SET leaseUntil = :past',
          ConditionExpression: '#state <> :done',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':past': '1970-01-01T00:00:00.000Z', ':done': 'done' },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }
}
