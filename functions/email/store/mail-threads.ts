import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { isConditionFailure, mailThreadKey } from './mail-keys.js';
import type { MailThread, MailThreadStore } from './ports.js';

/** The root and the latest Message-IDs are what threading needs; the middle of a long thread is dropped. */
const KEEP_FIRST = 3;
const KEEP_LAST = 20;
const MAX_ROUNDS = 10;

export function boundedThreadIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.length <= KEEP_FIRST + KEEP_LAST
    ? unique
    : [...unique.slice(0, KEEP_FIRST), ...unique.slice(-KEEP_LAST)];
}

/** Per-ticket mail state (`TICKET#<id>` / `MAILTHREAD`), updated read-modify-write on `updatedAt`. */
export class DynamoMailThreads implements MailThreadStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ticketId: string): Promise<MailThread | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: mailThreadKey(ticketId), ConsistentRead: true }),
    );
    return out.Item ? withoutKeys<MailThread>(out.Item) : undefined;
  }

  async put(thread: MailThread): Promise<void> {
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...mailThreadKey(thread.ticketId),
          ...thread,
          messageIds: boundedThreadIds(thread.messageIds),
        },
      }),
    );
  }

  async addInbound(ticketId: string, messageId: string, now: Date): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.get(ticketId);
      const next: MailThread = {
        ticketId,
        participants: current?.participants ?? [],
        acknowledge: current?.acknowledge ?? false,
        messageIds: boundedThreadIds([...(current?.messageIds ?? []), messageId]),
        lastInboundMessageId: messageId,
        updatedAt: now.toISOString(),
      };
      try {
        await this.dynamo.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...mailThreadKey(ticketId), ...next },
            ...(current
              ? {
                  ConditionExpression: 'updatedAt = :seen',
                  ExpressionAttributeValues: { ':seen': current.updatedAt },
                }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`the mail thread of ${ticketId} kept changing; giving up after ${MAX_ROUNDS} rounds`);
  }
}
