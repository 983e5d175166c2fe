import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAttachmentRepository } from '../../functions/attachments/store/dynamodb-attachment-store.js';
import { LocalObjectStore } from '../../functions/attachments/store/local-object-store.js';
import { memoryBackend } from '../../functions/attachments/store/local-object-store-backend.js';
import { DynamoChangeRepository } from '../../functions/changes/store/dynamodb-change-store.js';
import { EMPTY_CI_DIRECTORY } from '../../functions/cmdb/ci-directory.js';
import { ClaimLostError, RetryLaterError } from '../../functions/email/gateway.js';
import { CLAIM_LEASE_MS, EmailIngest } from '../../functions/email/ingest.js';
import type { OutboundMail } from '../../functions/email/mail/mail-sender.js';
import { EmailNotifier } from '../../functions/email/notifier.js';
import { defaultEmailSettings } from '../../functions/email/settings.js';
import { DynamoCommentReader } from '../../functions/email/store/mail-comment-reader.js';
import { DynamoPersonDirectory } from '../../functions/email/store/mail-directory.js';
import { DynamoMailLog } from '../../functions/email/store/mail-log.js';
import { DynamoNotificationLedger } from '../../functions/email/store/mail-notification-ledger.js';
import { DynamoSendLimiter } from '../../functions/email/store/mail-send-limiter.js';
import { DynamoMailThreads } from '../../functions/email/store/mail-threads.js';
import { DynamoMailTransactions } from '../../functions/email/store/mail-transactions.js';
import { DynamoMessageIndex } from '../../functions/email/store/message-id-index.js';
import type { MessageIndex } from '../../functions/email/store/ports.js';
import { DynamoGroupRepository } from '../../functions/groups/store/dynamodb-group-store.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { DynamoSlaConfigRepository } from '../../functions/sla/store/dynamodb-sla-config-store.js';
import { TicketService } from '../../functions/tickets/service.js';
import { DynamoTicketRepository } from '../../functions/tickets/store/dynamodb-ticket-store.js';
import type { TicketStore } from '../../functions/tickets/store/ticket-store.js';
import { rawMail } from '../domain/email-fixtures.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

/**
 * Exactly once, against DynamoDB Local: a crash between the ticket's commit and marking the mail
 * done, a failed commit, a concurrent delivery, a notifier crash mid-send. Faults are injected
 * into the real adapters.
 */
describe('email gateway: never lost, never twice', () => {
  let table: TestTable;
  let clock: TestClock;
  const settings = defaultEmailSettings('opsdesk.test');
  const backend = memoryBackend();
  const signing = { key: new Uint8Array(32), baseUrl: () => 'http://127.0.0.1:9' };
  let counter = 0;
  const newId = () => `id${String(++counter).padStart(8, '0')}`;

  beforeAll(async () => {
    table = await createTestTable('mail');
    clock = new TestClock();
  });
  afterAll(() => table?.drop());

  function ingestWith(
    faults: { index?: Partial<MessageIndex>; store?: Partial<TicketStore>; joint?: boolean } = {},
  ) {
    const { dynamo, tableName } = table;
    const index = new DynamoMessageIndex(dynamo, tableName);
    const store = new DynamoTicketRepository(dynamo, tableName);
    const faultyIndex = Object.assign(Object.create(index), faults.index ?? {}) as MessageIndex;
    const faultyStore = Object.assign(Object.create(store), faults.store ?? {}) as TicketStore;
    const objects = (bucket: string) => new LocalObjectStore(backend, bucket, signing, clock);
    return new EmailIngest({
      settings,
      rawMail: objects('raw'),
      attachmentObjects: objects('attachments'),
      ticketStore: faultyStore,
      ticketService: (s) =>
        new TicketService(
          s,
          new DynamoGroupRepository(dynamo, tableName),
          new DynamoSlaConfigRepository(dynamo, tableName),
          EMPTY_CI_DIRECTORY,
          clock,
          newId,
        ),
      index: faultyIndex,
      threads: new DynamoMailThreads(dynamo, tableName),
      people: new DynamoPersonDirectory(dynamo, tableName),
      attachments: new DynamoAttachmentRepository(dynamo, tableName),
      log: new DynamoMailLog(dynamo, tableName),
      ...(faults.joint ? { transactions: new DynamoMailTransactions(dynamo, tableName) } : {}),
      clock,
    });
  }

  async function store(key: string, messageId: string, subject: string, from = 'alice@example.com') {
    await new LocalObjectStore(backend, 'raw', signing, clock).put(
      key,
      rawMail(
        [`From: ${from}`, `To: support@opsdesk.test`, `Subject: ${subject}`, `Message-ID: ${messageId}`],
        'body text',
      ),
      'message/rfc822',
    );
  }

  async function ticketsTitled(title: string) {
    const page = await new DynamoTicketRepository(table.dynamo, table.tableName).list(
      { requester: 'person:alice@example.com' },
      { limit: 100 },
    );
    return page.items.filter((ticket) => ticket.title === title);
  }

  it('a crash after the ticket is written, before the mail is marked done: the retry finishes without a second ticket', async () => {
    await store('inbox/a', '<crash-after@x>', 'Crash after commit');
    let fail = true;
    const crashing = ingestWith({
      index: {
        complete: async () => {
          if (fail) {
            fail = false;
            throw new Error('function timed out');
          }
        },
      },
    });
    await expect(crashing.ingest('inbox/a')).rejects.toThrow('function timed out');
    expect(await ticketsTitled('Crash after commit')).toHaveLength(1);
    const retry = await ingestWith().ingest('inbox/a');
    expect(retry).toMatchObject({ outcome: 'ticket' });
    const tickets = await ticketsTitled('Crash after commit');
    expect(tickets).toHaveLength(1);
    expect(retry).toMatchObject({ ticketId: tickets[0]!.id });
    expect(await ingestWith().ingest('inbox/a')).toMatchObject({
      outcome: 'duplicate',
      first: { ticketId: tickets[0]!.id },
    });
  });

  it('a failed write is retried and lands once', async () => {
    await store('inbox/b', '<commit-fails@x>', 'Commit fails once');
    const store0 = new DynamoTicketRepository(table.dynamo, table.tableName);
    let fail = true;
    const failing = ingestWith({
      store: {
        commit: async (writes) => {
          if (fail) {
            fail = false;
            throw new Error('throttled');
          }
          return store0.commit(writes);
        },
      },
    });
    await expect(failing.ingest('inbox/b')).rejects.toThrow('throttled');
    expect(await ticketsTitled('Commit fails once')).toHaveLength(0);
    expect(await ingestWith().ingest('inbox/b')).toMatchObject({ outcome: 'ticket' });
    expect(await ticketsTitled('Commit fails once')).toHaveLength(1);
  });

  it('a comment written before a crash is not written again', async () => {
    const [ticket] = await ticketsTitled('Crash after commit');
    await store('inbox/c', '<reply-crash@x>', `Re: [${ticket!.id}] Crash after commit`);
    let fail = true;
    const crashing = ingestWith({
      index: {
        complete: async () => {
          if (fail) {
            fail = false;
            throw new Error('crash');
          }
        },
      },
    });
    await expect(crashing.ingest('inbox/c')).rejects.toThrow('crash');
    const retry = await ingestWith().ingest('inbox/c');
    expect(retry).toMatchObject({ outcome: 'comment', ticketId: ticket!.id });
    const comments = await new DynamoTicketRepository(table.dynamo, table.tableName).listComments(
      ticket!.id,
      { limit: 10 },
      { publicOnly: false },
    );
    expect(comments.items).toHaveLength(1);
  });

  it('a second delivery while the first is processed is told to retry; a dead attempt is taken over after its lease', async () => {
    const index = new DynamoMessageIndex(table.dynamo, table.tableName);
    const now = clock.now();
    expect(await index.claim('<lease@x>', now, CLAIM_LEASE_MS)).toEqual({ status: 'claimed' });
    expect(await index.claim('<lease@x>', now, CLAIM_LEASE_MS)).toEqual({ status: 'in-progress' });
    const later = new Date(now.getTime() + CLAIM_LEASE_MS + 1_000);
    expect(await index.claim('<lease@x>', later, CLAIM_LEASE_MS)).toEqual({
      status: 'resumed',
      pending: undefined,
    });
    // Two takeovers at once: only one wins.
    const muchLater = new Date(later.getTime() + 2 * CLAIM_LEASE_MS);
    const racing = await Promise.all([
      index.claim('<lease@x>', muchLater, CLAIM_LEASE_MS),
      index.claim('<lease@x>', muchLater, CLAIM_LEASE_MS),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['in-progress', 'resumed']);

    await store('inbox/d', '<busy@x>', 'Busy');
    await index.claim('<busy@x>', clock.now(), CLAIM_LEASE_MS);
    await expect(ingestWith().ingest('inbox/d')).rejects.toBeInstanceOf(RetryLaterError);
  });

  it('joint writes: a crash after the one transaction (ticket, thread, sender, file, note) finishes on retry without a second ticket', async () => {
    await new LocalObjectStore(backend, 'raw', signing, clock).put(
      'inbox/j1',
      rawMail(
        [
          'From: Alice <alice@example.com>',
          'To: support@opsdesk.test',
          'Cc: carol@example.com',
          'Subject: Joint crash',
          'Message-ID: <joint-crash@x>',
          'Content-Type: multipart/mixed; boundary=b',
        ],
        '--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=a.png\r\n\r\nPNG\r\n--b--\r\n',
      ),
      'message/rfc822',
    );
    let fail = true;
    const crashing = ingestWith({
      joint: true,
      index: {
        complete: async () => {
          if (fail) {
            fail = false;
            throw new Error('function timed out');
          }
        },
      },
    });
    await expect(crashing.ingest('inbox/j1')).rejects.toThrow('function timed out');
    const [ticket] = await ticketsTitled('Joint crash');
    // Everything the mail adds landed with the ticket.
    const threads = new DynamoMailThreads(table.dynamo, table.tableName);
    expect(await threads.get(ticket!.id)).toMatchObject({
      participants: ['carol@example.com'],
      messageIds: ['<joint-crash@x>'],
      acknowledge: true,
    });
    const files = new DynamoAttachmentRepository(table.dynamo, table.tableName);
    expect((await files.list(ticket!.id, 10)).map((f) => f.filename)).toEqual(['a.png']);
    const retry = await ingestWith({ joint: true }).ingest('inbox/j1');
    expect(retry).toMatchObject({ outcome: 'ticket', ticketId: ticket!.id });
    expect(await ticketsTitled('Joint crash')).toHaveLength(1);
  });

  it('joint writes: a delivery whose claim was taken over writes nothing and leaves the claim to the other', async () => {
    await store('inbox/j2', '<joint-lost@x>', 'Joint lost claim');
    const index = new DynamoMessageIndex(table.dynamo, table.tableName);
    const real = new DynamoTicketRepository(table.dynamo, table.tableName);
    const losing = ingestWith({
      joint: true,
      store: {
        // Right before the commit, another delivery takes the message over (a new lease).
        commit: async (writes, companion) => {
          await table.dynamo.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: { PK: 'MSGID#<joint-lost@x>', SK: 'MSGID' },
              UpdateExpression: 'SET leaseUntil = :other',
              ExpressionAttributeValues: { ':other': '2999-01-01T00:00:00.000Z' },
            }),
          );
          return real.commit(writes, companion);
        },
      },
    });
    await expect(losing.ingest('inbox/j2')).rejects.toBeInstanceOf(ClaimLostError);
    expect(await ticketsTitled('Joint lost claim')).toEqual([]);
    // Not released: the other delivery's claim stands.
    expect(await index.claim('<joint-lost@x>', clock.now(), CLAIM_LEASE_MS)).toEqual({
      status: 'in-progress',
    });
  });

  it('joint writes: two replies to one ticket at once both land, and the thread keeps both Message-IDs', async () => {
    const [ticket] = await ticketsTitled('Joint crash');
    await store('inbox/j3', '<joint-a@x>', `Re: [${ticket!.id}] Joint crash`);
    await store('inbox/j4', '<joint-b@x>', `Re: [${ticket!.id}] Joint crash`);
    const results = await Promise.all([
      ingestWith({ joint: true }).ingest('inbox/j3'),
      ingestWith({ joint: true }).ingest('inbox/j4'),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['comment', 'comment']);
    const comments = await new DynamoTicketRepository(table.dynamo, table.tableName).listComments(
      ticket!.id,
      { limit: 10 },
      { publicOnly: false },
    );
    expect(comments.items).toHaveLength(2);
    const thread = await new DynamoMailThreads(table.dynamo, table.tableName).get(ticket!.id);
    expect(thread?.messageIds).toEqual(
      expect.arrayContaining(['<joint-crash@x>', '<joint-a@x>', '<joint-b@x>']),
    );
  });

  it('the notifier sends one mail per event: redelivered events are dropped, a crash mid-send is retried once', async () => {
    const [ticket] = await ticketsTitled('Commit fails once');
    const sent: OutboundMail[] = [];
    let failNext = false;
    const notifier = new EmailNotifier({
      settings,
      tickets: new DynamoTicketRepository(table.dynamo, table.tableName),
      comments: new DynamoCommentReader(table.dynamo, table.tableName),
      threads: new DynamoMailThreads(table.dynamo, table.tableName),
      index: new DynamoMessageIndex(table.dynamo, table.tableName),
      ledger: new DynamoNotificationLedger(table.dynamo, table.tableName),
      limiter: new DynamoSendLimiter(table.dynamo, table.tableName),
      people: new DynamoPersonDirectory(table.dynamo, table.tableName),
      groups: new DynamoGroupRepository(table.dynamo, table.tableName),
      changes: new DynamoChangeRepository(table.dynamo, table.tableName),
      mail: {
        send: async (mail) => {
          if (failNext) {
            failNext = false;
            throw new Error('SES throttled');
          }
          sent.push(mail);
        },
      },
      clock,
    });
    const created = {
      detailType: 'Ticket Created',
      detail: { eventId: 'evt-created-1', ticketId: ticket!.id },
    };
    expect(await notifier.handle(created)).toBe('sent');
    expect(await notifier.handle(created)).toBe('duplicate');
    expect(sent).toHaveLength(1);

    failNext = true;
    const resolved = {
      detailType: 'Ticket Status Changed',
      detail: { eventId: 'evt-resolved-1', ticketId: ticket!.id, to: 'resolved' },
    };
    await expect(notifier.handle(resolved)).rejects.toThrow('SES throttled');
    expect(await notifier.handle(resolved)).toBe('sent');
    expect(await notifier.handle(resolved)).toBe('duplicate');
    expect(sent.map((mail) => mail.subject)).toEqual([
      `[${ticket!.id}] Commit fails once`,
      `[${ticket!.id}] Resolved: Commit fails once`,
    ]);
    expect(
      await notifier.handle({ detailType: 'Ticket Updated', detail: { eventId: 'x', ticketId: ticket!.id } }),
    ).toBe('ignored');
  });
});
