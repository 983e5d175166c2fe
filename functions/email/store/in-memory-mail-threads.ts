import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import { sizedKey } from './in-memory-mail-support.js';
import { mailThreadKey } from './mail-keys.js';
import { threadOfItem, versionOfItem, withInbound } from './mail-threads.js';
import { boundedThreadIds, type MailThread, type MailThreadStore } from './ports.js';

/**
 * Per-ticket mail state in memory: the `TICKET#<id>` / `MAILTHREAD` item DynamoMailThreads writes
 * (the thread and a version every write increments), in an InMemoryTable (the contract suite in
 * test/email/store/mail-thread-store.contract.ts runs against both). A put replaces the thread,
 * its Message-IDs bounded; `addInbound` is the same read-modify-write, done in one synchronous step
 * (JavaScript does not interleave inside it, so the condition on the version DynamoDB checks always
 * holds here, and concurrent additions all land, as they do there).
 */
export class InMemoryMailThreads implements MailThreadStore {
  constructor(private readonly table: InMemoryTable = new InMemoryTable()) {}

  async get(ticketId: string): Promise<MailThread | undefined> {
    const item = this.table.get(sizedKey(mailThreadKey(ticketId)));
    return item ? threadOfItem(item) : undefined;
  }

  async put(thread: MailThread): Promise<void> {
    this.write({ ...thread, messageIds: boundedThreadIds(thread.messageIds) });
  }

  async addInbound(ticketId: string, messageId: string, now: Date): Promise<void> {
    const item = this.table.get(sizedKey(mailThreadKey(ticketId)));
    this.write(withInbound(ticketId, messageId, now.toISOString(), item ? threadOfItem(item) : undefined));
  }

  /** The item replaced by `thread`, its version incremented. */
  private write(thread: MailThread): void {
    const key = sizedKey(mailThreadKey(thread.ticketId));
    this.table.update(key, (current) => {
      const { lastInboundMessageId, ...rest } = thread;
      return {
        ...key,
        ...rest,
        ...(lastInboundMessageId === undefined ? {} : { lastInboundMessageId }),
        version: ((current && versionOfItem(current)) ?? 0) + 1,
      };
    });
  }
}
