import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CancellationReason,
  cancellationReasons,
  type DynamoCompanion,
  type TransactItem,
} from '../../shared/dynamodb/transactions.js';
import { StaleWriteError } from '../../shared/store.js';
import { MAIL_TOO_LARGE } from '../constants.js';
import { ClaimLostError, EMAIL_GATEWAY } from '../gateway.js';
import { attachmentKey, expiresAfterDays, messageIdKey, personKey, senderNoticeKey } from './mail-keys.js';
import { mailRecordItem } from './mail-log.js';
import { threadReplacement, withInbound } from './mail-threads.js';
import type {
  DirectoryEntry,
  HeldClaim,
  InboundOutcome,
  MailRecord,
  MailTransactions,
  MailWrites,
  SenderNotice,
} from './ports.js';

/** EventBridge retries for at most 24 hours; the entry only has to outlive its stream record. */
const NOTICE_RETENTION_DAYS = 30;

/** Detail types of sender notices (the notifier's rule routes them: constants.ts). */
const SENDER_NOTICE_DETAIL_TYPE = { 'too-large': MAIL_TOO_LARGE } as const;

/**
 * The mail gateway's joint writes over DynamoDB (docs/email.md#exactly-once): what a mail adds to
 * its ticket's commit rides in the ticket's own TransactWriteItems (the DynamoDB ticket store
 * carries this companion), and a mail that ends without a ticket settles in one transaction of its
 * own. Every write on the claim is conditional on this delivery's lease.
 */
export class DynamoMailTransactions implements MailTransactions {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  companion(writes: MailWrites): DynamoCompanion {
    const items: TransactItem[] = [this.notePending(writes)];
    const roles: ('claim' | 'thread' | 'other')[] = ['claim'];
    if (writes.thread) {
      items.push(this.threadPut(writes.thread));
      roles.push('thread');
    }
    if (writes.person) {
      items.push(this.personIfAbsent(writes.person.entry, writes.person.at));
      roles.push('other');
    }
    for (const record of writes.attachments) {
      items.push({
        Put: { TableName: this.tableName, Item: { ...attachmentKey(record.ticketId, record.id), ...record } },
      });
      roles.push('other');
    }
    return {
      kind: 'dynamodb',
      items,
      carried: () => undefined,
      cancelled: (reasons: readonly CancellationReason[]) => {
        const failed = (role: string) =>
          reasons.some((reason, index) => roles[index] === role && reason.code === 'ConditionalCheckFailed');
        if (failed('claim')) return new ClaimLostError(`${writes.claim.messageId} was taken over`);
        // Another mail to the same ticket changed its thread: the ticket service retries, re-reading it.
        if (failed('thread')) return new StaleWriteError(writes.pending.ticketId);
        return undefined;
      },
    };
  }

  async settle(
    claim: HeldClaim,
    outcome: InboundOutcome,
    record: MailRecord,
    notice?: SenderNotice,
  ): Promise<void> {
    const items: TransactItem[] = [
      this.claimDone(claim, outcome, record.at),
      { Put: { TableName: this.tableName, Item: mailRecordItem(record) } },
    ];
    if (notice) items.push(this.noticeEntry(notice));
    try {
      await this.dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.code === 'ConditionalCheckFailed') {
        throw new ClaimLostError(`${claim.messageId} was taken over`);
      }
      throw error;
    }
  }

  private claimCondition(claim: HeldClaim) {
    return {
      ConditionExpression: '#state = :processing AND leaseUntil = :lease',
      names: { '#state': 'state' },
      values: { ':processing': 'processing', ':lease': claim.leaseUntil },
    };
  }

  /** The note of what is being written, on the claim this delivery holds. */
  private notePending(writes: MailWrites): TransactItem {
    const condition = this.claimCondition(writes.claim);
    return {
      Update: {
        TableName: this.tableName,
        Key: messageIdKey(writes.claim.messageId),
        UpdateExpression: 'SET pending = :pending',
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: { ...condition.values, ':pending': writes.pending },
      },
    };
  }

  /** The claim marked done with its outcome (as DynamoMessageIndex.complete does), if still ours. */
  private claimDone(claim: HeldClaim, outcome: InboundOutcome, at: string): TransactItem {
    const condition = this.claimCondition(claim);
    return {
      Update: {
        TableName: this.tableName,
        Key: messageIdKey(claim.messageId),
        UpdateExpression:
          'SET #state = :done, outcome = :outcome, completedAt = :now, ticketId = :ticket REMOVE pending',
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: {
          ...condition.values,
          ':done': 'done',
          ':outcome': outcome,
          ':now': at,
          ':ticket': null,
        },
      },
    };
  }

  /**
   * The thread as it becomes: a new one as given; an inbound Message-ID added to the one last read,
   * if it is still as read. Either write increments the item's version (mail-threads.ts), so a
   * DynamoMailThreads.addInbound that read it before retries. The one read carries no version, so
   * the addition is conditional on what it was computed from: the Message-IDs (any addition changes
   * them) and the time.
   */
  private threadPut(thread: NonNullable<MailWrites['thread']>): TransactItem {
    if (thread.kind === 'open') return { Update: threadReplacement(this.tableName, thread.thread) };
    const { seen } = thread;
    const update = threadReplacement(
      this.tableName,
      withInbound(thread.ticketId, thread.messageId, thread.at, seen),
    );
    return {
      Update: seen
        ? {
            ...update,
            ConditionExpression: '#messageIds = :seenIds AND #updatedAt = :seenAt',
            ExpressionAttributeValues: {
              ...update.ExpressionAttributeValues,
              ':seenIds': seen.messageIds,
              ':seenAt': seen.updatedAt,
            },
          }
        : { ...update, ConditionExpression: 'attribute_not_exists(PK)' },
    };
  }

  /** First sight of a sender (as DynamoPersonDirectory.firstSight): whatever is there already stays. */
  private personIfAbsent(entry: DirectoryEntry, at: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: personKey(entry.email),
        UpdateExpression:
          'SET #id = if_not_exists(#id, :id), email = if_not_exists(email, :email), #name = if_not_exists(#name, :name), staff = if_not_exists(staff, :staff), createdAt = if_not_exists(createdAt, :now)',
        ExpressionAttributeNames: { '#id': 'id', '#name': 'name' },
        ExpressionAttributeValues: {
          ':id': entry.id,
          ':email': entry.email,
          ':name': entry.name,
          ':staff': entry.staff,
          ':now': at,
        },
      },
    };
  }

  /** The outbox entry of a notice: a history-shaped item the stream publisher turns into its event. */
  private noticeEntry(notice: SenderNotice): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...senderNoticeKey(notice.id, notice.at),
          id: notice.id,
          recordId: notice.to,
          at: notice.at,
          actor: { id: EMAIL_GATEWAY.id, name: EMAIL_GATEWAY.name },
          events: [
            {
              detailType: SENDER_NOTICE_DETAIL_TYPE[notice.kind],
              detail: { to: notice.to, ...notice.detail },
            },
          ],
          expiration: expiresAfterDays(new Date(notice.at), NOTICE_RETENTION_DAYS),
        },
      },
    };
  }
}
