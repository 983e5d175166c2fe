import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import type { TicketStore } from '../../tickets/store/ticket-store.js';
import { InMemoryCommentReader } from './in-memory-comment-reader.js';
import { sizedKey } from './in-memory-mail-support.js';
import { isConditionFailure, messageIdKey } from './mail-keys.js';
import type { ClaimResult, InboundOutcome, MessageIndex, PendingWrite } from './ports.js';

interface MessageItem {
  readonly messageId?: string;
  readonly direction?: 'in' | 'out';
  readonly state?: 'processing' | 'failed' | 'done';
  readonly leaseUntil?: string;
  readonly pending?: PendingWrite;
  readonly outcome?: InboundOutcome;
  readonly ticketId?: string | null;
}

/**
 * The MessageIndex in memory. It writes the very `MSGID#<id>` items DynamoMessageIndex writes, into
 * an InMemoryTable, under the same conditions (the contract suite in
 * test/email/store/message-index.contract.ts runs against both): a claim is a put-if-absent with a
 * lease; a lease still running answers `in-progress`; a failed attempt, or one whose lease ran
 * out against the `now` passed in, is taken over once (conditional on the state and lease read);
 * `notePending` and `complete` are plain updates (on an absent item they create one, as
 * UpdateItem does), `release` only turns a `processing` claim into `failed`; an outbound record
 * replaces whatever the item held. `landed` asks the ticket store, where the ticket and its
 * comments live (one table on AWS; two stores here).
 */
export class InMemoryMessageIndex implements MessageIndex {
  private readonly comments: InMemoryCommentReader;

  constructor(
    private readonly tickets: Pick<TicketStore, 'get' | 'listComments'>,
    private readonly table: InMemoryTable = new InMemoryTable(),
  ) {
    this.comments = new InMemoryCommentReader(tickets);
  }

  async claim(messageId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const key = sizedKey(messageIdKey(messageId));
    try {
      this.table.put(
        { ...key, messageId, direction: 'in', state: 'processing', leaseUntil, at: now.toISOString() },
        (current) => current === undefined, // attribute_not_exists(PK)
      );
      return { status: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = this.table.get(key) as MessageItem;
    if (existing.direction === 'out') {
      return { status: 'duplicate', outcome: { outcome: 'dropped', reason: 'a Message-ID of our own mail' } };
    }
    if (existing.state === 'done') {
      return { status: 'duplicate', outcome: existing.outcome ?? { outcome: 'dropped' } };
    }
    if (existing.state === 'processing' && (existing.leaseUntil ?? '') > now.toISOString()) {
      return { status: 'in-progress' };
    }
    // Failed, or its lease ran out: take it over. `#state = :seen AND leaseUntil = :seenLease` is
    // false for an item missing either attribute (one only notePending or complete wrote).
    try {
      this.table.update(
        key,
        (current) => ({ ...current, state: 'processing', leaseUntil }),
        (current) =>
          current?.state === (existing.state ?? 'processing') &&
          current?.leaseUntil === (existing.leaseUntil ?? ''),
      );
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'in-progress' };
      throw error;
    }
    return { status: 'resumed', pending: existing.pending };
  }

  async notePending(messageId: string, pending: PendingWrite): Promise<void> {
    this.table.update(sizedKey(messageIdKey(messageId)), (current) => ({ ...current, pending }));
  }

  async landed(pending: PendingWrite): Promise<boolean> {
    if (pending.comment) {
      const { createdAt, id } = pending.comment;
      return (await this.comments.get(pending.ticketId, createdAt, id)) !== undefined;
    }
    return (await this.tickets.get(pending.ticketId)) !== undefined;
  }

  async complete(messageId: string, outcome: InboundOutcome, now: Date): Promise<void> {
    this.table.update(sizedKey(messageIdKey(messageId)), (current) => {
      const { pending: _pending, ...rest } = current ?? {};
      return {
        ...rest,
        state: 'done',
        outcome,
        completedAt: now.toISOString(),
        // Only mail that became part of a ticket threads later replies onto it.
        ticketId:
          outcome.outcome === 'ticket' || outcome.outcome === 'comment' ? (outcome.ticketId ?? null) : null,
      };
    });
  }

  async release(messageId: string): Promise<void> {
    try {
      this.table.update(
        sizedKey(messageIdKey(messageId)),
        (current) => ({ ...current, state: 'failed' }),
        (current) => current?.state === 'processing',
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async ticketsOf(messageIds: readonly string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    // BatchGetItem: refuses a key named twice in one request of 100.
    const items = this.table.batchGet(messageIds.map((id) => sizedKey(messageIdKey(id)))) as MessageItem[];
    const owners = new Map<string, string>();
    for (const item of items) if (item.ticketId) owners.set(item.messageId as string, item.ticketId);
    return owners;
  }

  async recordOutbound(messageId: string, ticketId: string, now: Date): Promise<void> {
    this.table.put({
      ...sizedKey(messageIdKey(messageId)),
      messageId,
      direction: 'out',
      ticketId,
      at: now.toISOString(),
    });
  }
}
