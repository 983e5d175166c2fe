import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { normaliseAddress } from '../address-forms.js';
import { admitToWindow, HOUR_MS, releaseFromWindow } from '../send-window.js';
import { isConditionFailure, sendRateKey } from './mail-keys.js';
import type { SendLimiter } from './ports.js';

const MAX_ROUNDS = 10;

/**
 * The per-recipient window of automatic mail (send-window.ts decides), on one item per address,
 * written conditionally on the version read: two notifiers racing for the last slot cannot both
 * get it, and a slot given back after a failed send is never lost to, or lost, a concurrent admit. The TTL only tidies up; correctness never depends on when DynamoDB deletes the item.
 */
export class DynamoSendLimiter implements SendLimiter {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async admit(recipient: string, now: Date, limitPerHour: number): Promise<boolean> {
    const key = sendRateKey(normaliseAddress(recipient));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const out = await this.dynamo.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const version = typeof out.Item?.version === 'number' ? out.Item.version : 0;
      const sentAt = Array.isArray(out.Item?.sentAt) ? (out.Item.sentAt as string[]) : [];
      const decision = admitToWindow(sentAt, now, limitPerHour);
      if (!decision.admitted) return false;
      try {
        await this.dynamo.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              sentAt: decision.sentAt,
              version: version + 1,
              expiration: Math.floor((now.getTime() + 2 * HOUR_MS) / 1000),
            },
            ConditionExpression: version === 0 ? 'attribute_not_exists(PK)' : 'version = :seen',
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ':seen': version } }),
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    // Heavy contention on one recipient's window is itself a sign of a storm: refuse.
    return false;
  }

  async release(recipient: string, now: Date): Promise<void> {
    const key = sendRateKey(normaliseAddress(recipient));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const out = await this.dynamo.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const version = out.Item?.version;
      const sentAt = Array.isArray(out.Item?.sentAt) ? (out.Item.sentAt as string[]) : [];
      const rest = releaseFromWindow(sentAt, now);
      if (!rest || typeof version !== 'number') return;
      try {
        await this.dynamo.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...out.Item, ...key, sentAt: rest, version: version + 1 },
            ConditionExpression: 'version = :seen',
            ExpressionAttributeValues: { ':seen': version },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`the send window of ${recipient} kept changing; its slot was not given back`);
  }
}
