import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { commentKey, ticketKey } from '../../tickets/store/ticket-keys.js';
import { isConditionFailure, messageIdKey } from './mail-keys.js';
import type { ClaimResult, InboundOutcome, MessageIndex, PendingWrite } from './ports.js';

interface MessageItem {
  readonly messageId: string;
  readonly direction: 'in' | 'out';
  readonly state?: 'processing' | 'failed' | 'done';
  readonly leaseUntil?: string;
  readonly pending?: PendingWrite;
  readonly outcome?: InboundOutcome;
  readonly ticketId?: string;
}

/**
 * Message-ID items: the dedupe claim of each inbound mail (a conditional write, with a lease so a
 * crashed attempt can be taken over) and the threading index of every message a ticket has.
 */
export class DynamoMessageIndex implements MessageIndex {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(messageId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...messageIdKey(messageId),
            messageId,
            direction: 'in',
            state: 'processing',
            leaseUntil,
            at: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { status: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.read(messageId);
    if (!existing) return this.claim(messageId, now, leaseMs);
    if (existing.direction === 'out') {
      return { status: 'duplicate', outcome: { outcome: 'dropped', reason: 'a Message-ID of our own mail' } };
    }
    if (existing.state === 'done') {
      return { status: 'duplicate', outcome: existing.outcome ?? { outcome: 'dropped' } };
    }
    if (existing.state === 'processing' && (existing.leaseUntil ?? '') > now.toISOString()) {
      return { status: 'in-progress' };
    }
    // Failed, or its lease ran out: take it over, unless another delivery just did.
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: messageIdKey(messageId),
          UpdateExpression: 'SET #state = :processing, leaseUntil = :lease',
          ConditionExpression: '#state = :seen AND leaseUntil = :seenLease',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':processing': 'processing',
            ':lease': leaseUntil,
            ':seen': existing.state ?? 'processing',
            ':seenLease': existing.leaseUntil ?? '',
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'in-progress' };
      throw error;
    }
    return { status: 'resumed', pending: existing.pending };
  }

  async notePending(messageId: string, pending: PendingWrite): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: messageIdKey(messageId),
        UpdateExpression: 'SET pending = :pending',
        ExpressionAttributeValues: { ':pending': pending },
      }),
    );
  }

  async landed(pending: PendingWrite): Promise<boolean> {
    const key = pending.comment
      ? commentKey(pending.ticketId, pending.comment.createdAt, pending.comment.id)
      : ticketKey(pending.ticketId);
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  async complete(messageId: string, outcome: InboundOutcome, now: Date): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: messageIdKey(messageId),
        UpdateExpression:
          'SET #state = :done, outcome = :outcome, completedAt = :now, ticketId = :ticket REMOVE pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':outcome': outcome,
          ':now': now.toISOString(),
          // Only mail that became part of a ticket threads later replies onto it.
          ':ticket':
            outcome.outcome === 'ticket' || outcome.outcome === 'comment' ? (outcome.ticketId ?? null) : null,
        },
      }),
    );
  }

  async release(messageId: string): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: messageIdKey(messageId),
          UpdateExpression: 'SET #state = :failed',
          ConditionExpression: '#state = :processing',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed', ':processing': 'processing' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async ticketsOf(messageIds: readonly string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    const items = (await batchGet(
      this.dynamo,
      this.tableName,
      messageIds.map(messageIdKey),
    )) as unknown as MessageItem[];
    const owners = new Map<string, string>();
    for (const item of items) if (item.ticketId) owners.set(item.messageId, item.ticketId);
    return owners;
  }

  async recordOutbound(messageId: string, ticketId: string, now: Date): Promise<void> {
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...messageIdKey(messageId), messageId, direction: 'out', ticketId, at: now.toISOString() },
      }),
    );
  }

  private async read(messageId: string): Promise<MessageItem | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: messageIdKey(messageId), ConsistentRead: true }),
    );
    return out.Item as MessageItem | undefined;
  }
}
