import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { isConditionFailure, mailThreadKey } from './mail-keys.js';
import { boundedThreadIds, type MailThread, type MailThreadStore } from './ports.js';

const MAX_ROUNDS = 10;

/**
 * The thread item's write counter (`version`, not part of MailThread): every write of the item
 * increments it, and a read-modify-write is conditional on the one it read. `updatedAt` cannot
 * serve: two additions at the same instant leave it as it was, and one would overwrite the other.
 */
const VERSION = 'version';

/** Every attribute of a MailThread, so that a replacement can remove the ones a thread leaves out. */
const THREAD_ATTRIBUTES: Record<keyof MailThread, true> = {
  ticketId: true,
  participants: true,
  messageIds: true,
  lastInboundMessageId: true,
  acknowledge: true,
  updatedAt: true,
};

/** The thread as stored (key and version aside). */
export function threadOfItem(item: Record<string, unknown>): MailThread {
  const { [VERSION]: _version, ...thread } = withoutKeys<MailThread & { [VERSION]?: number }>(item);
  return thread;
}

/** The version an item read carries (undefined: none yet, an item written before versions). */
export function versionOfItem(item: Record<string, unknown>): number | undefined {
  const version = item[VERSION];
  return typeof version === 'number' ? version : undefined;
}

/** The thread an inbound Message-ID makes of the one read (`seen`; undefined: none yet). */
export function withInbound(
  ticketId: string,
  messageId: string,
  at: string,
  seen: MailThread | undefined,
): MailThread {
  return {
    ticketId,
    participants: seen?.participants ?? [],
    acknowledge: seen?.acknowledge ?? false,
    messageIds: boundedThreadIds([...(seen?.messageIds ?? []), messageId]),
    lastInboundMessageId: messageId,
    updatedAt: at,
  };
}

/**
 * An UpdateItem (plain or in a transaction) that replaces the thread item with `thread`, its
 * Message-IDs bounded, and increments the item's version: a read-modify-write that read the item
 * before fails its condition.
 */
export function threadReplacement(tableName: string, thread: MailThread) {
  const item: MailThread = { ...thread, messageIds: boundedThreadIds(thread.messageIds) };
  const names: Record<string, string> = { '#version': VERSION };
  const values: Record<string, unknown> = { ':zero': 0, ':one': 1 };
  const set = ['#version = if_not_exists(#version, :zero) + :one'];
  const remove: string[] = [];
  for (const name of Object.keys(THREAD_ATTRIBUTES) as (keyof MailThread)[]) {
    names[`#${name}`] = name;
    if (item[name] === undefined) {
      remove.push(`#${name}`);
    } else {
      set.push(`#${name} = :${name}`);
      values[`:${name}`] = item[name];
    }
  }
  return {
    TableName: tableName,
    Key: mailThreadKey(thread.ticketId),
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Per-ticket mail state (`TICKET#<id>` / `MAILTHREAD`): a put replaces it, an inbound Message-ID
 * is added read-modify-write, conditional on the item's version (every write increments it).
 */
export class DynamoMailThreads implements MailThreadStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ticketId: string): Promise<MailThread | undefined> {
    const item = await this.read(ticketId);
    return item ? threadOfItem(item) : undefined;
  }

  async put(thread: MailThread): Promise<void> {
    await this.dynamo.send(new UpdateCommand(threadReplacement(this.tableName, thread)));
  }

  async addInbound(ticketId: string, messageId: string, now: Date): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const item = await this.read(ticketId);
      const version = item ? versionOfItem(item) : undefined;
      const next = withInbound(ticketId, messageId, now.toISOString(), item ? threadOfItem(item) : undefined);
      try {
        await this.dynamo.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...mailThreadKey(ticketId), ...next, [VERSION]: (version ?? 0) + 1 },
            ...(!item
              ? { ConditionExpression: 'attribute_not_exists(PK)' }
              : version === undefined
                ? {
                    ConditionExpression: 'attribute_not_exists(#version)',
                    ExpressionAttributeNames: { '#version': VERSION },
                  }
                : {
                    ConditionExpression: '#version = :seen',
                    ExpressionAttributeNames: { '#version': VERSION },
                    ExpressionAttributeValues: { ':seen': version },
                  }),
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`the mail thread of ${ticketId} kept changing; giving up after ${MAX_ROUNDS} rounds`);
  }

  private async read(ticketId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: mailThreadKey(ticketId), ConsistentRead: true }),
    );
    return out.Item;
  }
}
