import { beforeEach, describe, expect, it } from 'vitest';
import { RetryLaterError } from '../../functions/email/gateway.js';
import { CLAIM_LEASE_MS } from '../../functions/email/ingest.js';
import type { Caller } from '../../functions/shared/authz.js';
import { personIdOf } from '../../functions/shared/people.js';
import type { Comment, Ticket } from '../../functions/tickets/model.js';
import { DOMAIN, type MailWorld, mailWorld, SUPPORT } from './mail-world.js';

/**
 * Email to ticket (docs/email.md) on the in-memory stores: one raw mail in, at most one ticket or
 * comment out, exactly once per Message-ID; what test/api/email-smtp.test.ts and
 * email-recovery.test.ts check over SMTP and DynamoDB Local, in milliseconds.
 */
const ann: Caller = { id: 'ann', email: 'ann@corp.example', name: 'Ann Agent', roles: new Set(['agent']) };
const ALICE = 'alice@example.com';
const REQUESTS = `requests@${DOMAIN}`;

describe('EmailIngest', () => {
  let w: MailWorld;

  beforeEach(async () => {
    w = await mailWorld({
      addresses: [
        { address: SUPPORT, type: 'incident' },
        { address: REQUESTS, type: 'service_request' },
      ],
      maxMailBytes: 4096,
    });
  });

  const ticket = async (id: string): Promise<Ticket> => (await w.tickets.get(id))!;
  const comments = async (id: string): Promise<Comment[]> =>
    (await w.tickets.listComments(id, { limit: 100 }, { publicOnly: false })).items;
  /** Tickets whose requester is the person of this address (a sender's tickets). */
  const ticketsOf = async (email: string) =>
    (await w.tickets.list({ requester: personIdOf(email) }, { limit: 100 })).items.map((t) => t.id);
  const today = () => w.stores.log.list(w.clock.now().toISOString().slice(0, 10), 100);

  /** Alice's opening mail: INC-000001. */
  async function opening(): Promise<string> {
    const result = await w.mailIn(`Alice Example <${ALICE}>`, 'VPN down since 9:00', 'I cannot connect.', [
      'Cc: Carol <carol@example.com>, Support <support@opsdesk.test>',
      'Message-ID: <first@alice.example.com>',
    ]);
    expect(result).toEqual({
      outcome: 'ticket',
      ticketId: 'INC-000001',
      messageId: '<first@alice.example.com>',
    });
    return 'INC-000001';
  }

  describe('new mail', () => {
    it('opens a ticket with the sender as requester and remembers the conversation', async () => {
      const id = await opening();
      expect(await ticket(id)).toMatchObject({
        type: 'incident',
        source: 'email',
        status: 'new',
        title: 'VPN down since 9:00',
        description: 'I cannot connect.',
        requester: { id: personIdOf(ALICE), email: ALICE, name: 'Alice Example' },
      });
      expect(await w.stores.threads.get(id)).toEqual({
        ticketId: id,
        participants: ['carol@example.com'],
        messageIds: ['<first@alice.example.com>'],
        lastInboundMessageId: '<first@alice.example.com>',
        acknowledge: true,
        updatedAt: w.clock.now().toISOString(),
      });
      expect(await w.stores.people.find(ALICE)).toEqual({
        id: personIdOf(ALICE),
        email: ALICE,
        name: 'Alice Example',
        staff: false,
      });
      expect(await w.stores.index.ticketsOf(['<first@alice.example.com>'])).toEqual(
        new Map([['<first@alice.example.com>', id]]),
      );
    });

    it('mail to the requests address opens a service request', async () => {
      const key = await w.receive([
        'From: dave@example.com',
        `To: ${REQUESTS}`,
        'Subject: New laptop please',
      ]);
      expect(await w.ingester().ingest(key)).toMatchObject({ outcome: 'ticket', ticketId: 'REQ-000001' });
    });

    it('keeps an attachment on the ticket', async () => {
      const boundary = 'b0undary';
      const key = await w.receive(
        [
          `From: ${ALICE}`,
          `To: ${SUPPORT}`,
          'Subject: Screenshot',
          'MIME-Version: 1.0',
          `Content-Type: multipart/mixed; boundary="${boundary}"`,
        ],
        [
          `--${boundary}`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          'See attached.',
          `--${boundary}`,
          'Content-Type: image/png; name="screenshot.png"',
          'Content-Disposition: attachment; filename="screenshot.png"',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('PNG-BYTES').toString('base64'),
          `--${boundary}--`,
          '',
        ].join('\r\n'),
      );
      const result = await w.ingester().ingest(key);
      expect(result).toMatchObject({ outcome: 'ticket' });
      const id = (result as { ticketId: string }).ticketId;
      const [file] = await w.attachments.list(id, 10);
      expect(file).toMatchObject({
        filename: 'screenshot.png',
        contentType: 'image/png',
        size: 9,
        source: 'email',
      });
    });
  });

  describe('replies', () => {
    it('the requester’s reply threads by the ticket id in the subject, quotes trimmed, and resumes a ticket awaiting them', async () => {
      const id = await opening();
      await w.service().update(ann, id, { status: 'on_hold', holdReason: 'awaiting_customer' });
      const result = await w.mailIn(
        ALICE,
        `Re: [${id}] VPN down since 9:00`,
        'Client 5.1.2 on Windows 11.\n\nOn Mon, 23 Nov 2026 at 10:00, Opsdesk <support@opsdesk.test> wrote:\n> we have received your message',
        ['Message-ID: <r1@alice.example.com>'],
      );
      expect(result).toMatchObject({ outcome: 'comment', ticketId: id });
      expect((await comments(id)).at(-1)).toMatchObject({
        body: 'Client 5.1.2 on Windows 11.',
        visibility: 'public',
        author: { id: personIdOf(ALICE), email: ALICE },
      });
      expect(await ticket(id)).toMatchObject({ status: 'in_progress', holdReason: null });
      expect(await w.stores.threads.get(id)).toMatchObject({
        messageIds: ['<first@alice.example.com>', '<r1@alice.example.com>'],
        lastInboundMessageId: '<r1@alice.example.com>',
        participants: ['carol@example.com'],
      });
    });

    it('a reply threads by the Message-IDs it answers when the subject lost the ticket id', async () => {
      const id = await opening();
      const result = await w.mailIn('carol@example.com', 'Re: VPN', 'Same here.', [
        'In-Reply-To: <first@alice.example.com>',
      ]);
      expect(result).toMatchObject({ outcome: 'comment', ticketId: id });
      expect((await comments(id)).at(-1)).toMatchObject({ body: 'Same here.', visibility: 'public' });
    });

    it('an uninvolved sender quoting the ticket id only adds an internal note', async () => {
      const id = await opening();
      const before = await ticket(id);
      const result = await w.mailIn(
        'Mallory <mallory@evil.example>',
        `[${id}] let me in`,
        'Please close this.',
      );
      expect(result).toMatchObject({ outcome: 'note', ticketId: id, reason: 'uninvolved' });
      const note = (await comments(id)).at(-1)!;
      expect(note).toMatchObject({ visibility: 'internal', author: { id: 'opsdesk-email' } });
      expect(note.body).toMatch(/uninvolved sender, Mallory <mallory@evil\.example>/);
      expect(await ticket(id)).toMatchObject({ status: before.status, version: before.version + 1 });
    });

    it('an agent known from their comments writes by mail as the agent', async () => {
      const id = await opening();
      await w.stores.people.learnStaff(
        { id: 'ann', email: 'ann@corp.example', name: 'Ann Agent' },
        w.clock.now(),
      );
      const result = await w.mailIn(
        'Ann Agent <ann@corp.example>',
        `Re: [${id}] VPN`,
        'Fixed on the gateway.',
      );
      expect(result).toMatchObject({ outcome: 'comment', ticketId: id });
      expect((await comments(id)).at(-1)).toMatchObject({
        body: 'Fixed on the gateway.',
        visibility: 'public',
        author: { id: 'ann', email: 'ann@corp.example' },
      });
    });
  });

  describe('exactly once per Message-ID', () => {
    it('the same Message-ID delivered again is a duplicate: one ticket', async () => {
      const id = await opening();
      const again = await w.mailIn(ALICE, 'VPN down since 9:00', 'I cannot connect.', [
        'Message-ID: <first@alice.example.com>',
      ]);
      expect(again).toEqual({
        outcome: 'duplicate',
        messageId: '<first@alice.example.com>',
        first: { outcome: 'ticket', ticketId: id },
      });
      expect(await ticketsOf(ALICE)).toEqual([id]);
    });

    it('deliveries at once: one is processed, the others are told to retry, then are duplicates', async () => {
      const headers = [
        `From: ${ALICE}`,
        `To: ${SUPPORT}`,
        'Subject: Twice',
        'Message-ID: <dup@alice.example.com>',
      ];
      const keys = [await w.receive(headers), await w.receive(headers), await w.receive(headers)];
      const results = await Promise.allSettled(keys.map((key) => w.ingester().ingest(key)));
      expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.outcome)).toEqual(['ticket']);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(RetryLaterError);
      }
      expect(await w.ingester().ingest(keys[1]!)).toMatchObject({ outcome: 'duplicate' });
      expect(await ticketsOf(ALICE)).toHaveLength(1);
    });

    it('mail without a Message-ID dedupes on its bytes', async () => {
      const headers = [`From: ${ALICE}`, `To: ${SUPPORT}`, 'Subject: No id'];
      expect(await w.ingester().ingest(await w.receive(headers))).toMatchObject({ outcome: 'ticket' });
      expect(await w.ingester().ingest(await w.receive(headers))).toMatchObject({ outcome: 'duplicate' });
    });

    it('a crash after the ticket is written, before the mail is marked done: the retry writes no second ticket', async () => {
      const key = await w.receive([
        `From: ${ALICE}`,
        `To: ${SUPPORT}`,
        'Subject: Crash',
        'Message-ID: <c@x>',
      ]);
      let fail = true;
      const crashing = w.ingester({
        index: {
          complete: async () => {
            if (fail) {
              fail = false;
              throw new Error('function timed out');
            }
          },
        },
      });
      await expect(crashing.ingest(key)).rejects.toThrow('function timed out');
      expect(await ticketsOf(ALICE)).toHaveLength(1);
      const retry = await w.ingester().ingest(key);
      expect(retry).toMatchObject({ outcome: 'ticket', ticketId: (await ticketsOf(ALICE))[0] });
      expect(await ticketsOf(ALICE)).toHaveLength(1);
      expect(await w.ingester().ingest(key)).toMatchObject({ outcome: 'duplicate' });
    });

    it('a failed write is retried and lands once', async () => {
      const key = await w.receive([
        `From: ${ALICE}`,
        `To: ${SUPPORT}`,
        'Subject: Commit fails',
        'Message-ID: <f@x>',
      ]);
      const failing = w.ingester({
        ticketStore: {
          commit: async () => {
            throw new Error('throttled');
          },
        },
      });
      await expect(failing.ingest(key)).rejects.toThrow('throttled');
      expect(await ticketsOf(ALICE)).toEqual([]);
      expect(await w.ingester().ingest(key)).toMatchObject({ outcome: 'ticket' });
      expect(await ticketsOf(ALICE)).toHaveLength(1);
    });

    it('a comment written before a crash is not written again', async () => {
      const id = await opening();
      const key = await w.receive([
        `From: ${ALICE}`,
        `To: ${SUPPORT}`,
        `Subject: Re: [${id}]`,
        'Message-ID: <rc@x>',
      ]);
      let fail = true;
      const crashing = w.ingester({
        index: {
          complete: async () => {
            if (fail) {
              fail = false;
              throw new Error('crash');
            }
          },
        },
      });
      await expect(crashing.ingest(key)).rejects.toThrow('crash');
      expect(await w.ingester().ingest(key)).toMatchObject({ outcome: 'comment', ticketId: id });
      expect(await comments(id)).toHaveLength(1);
    });

    it('a dead attempt’s claim is taken over once its lease runs out (by the clock)', async () => {
      const key = await w.receive([
        `From: ${ALICE}`,
        `To: ${SUPPORT}`,
        'Subject: Busy',
        'Message-ID: <busy@x>',
      ]);
      expect(await w.stores.index.claim('<busy@x>', w.clock.now(), CLAIM_LEASE_MS)).toEqual({
        status: 'claimed',
      });
      await expect(w.ingester().ingest(key)).rejects.toBeInstanceOf(RetryLaterError);
      w.clock.advance(CLAIM_LEASE_MS / 60_000);
      expect(await w.ingester().ingest(key)).toMatchObject({ outcome: 'ticket' });
    });
  });

  describe('mail that opens nothing', () => {
    it('bulk mail from a sender not on the allowlist is dropped, with a record', async () => {
      const result = await w.mailIn('news@shop.example', 'Big sale', 'buy', [
        'Precedence: bulk',
        'List-Unsubscribe: <mailto:x@shop.example>',
        'Message-ID: <sale@shop.example>',
      ]);
      expect(result).toMatchObject({ outcome: 'dropped', reason: expect.stringMatching(/allowlist/) });
      expect(await ticketsOf('news@shop.example')).toEqual([]);
      expect(await today()).toEqual([
        expect.objectContaining({
          from: 'news@shop.example',
          messageId: '<sale@shop.example>',
          outcome: 'dropped',
          classification: expect.objectContaining({ kind: 'bulk' }),
        }),
      ]);
      // Dropped once is dropped for good.
      expect(
        await w.mailIn('news@shop.example', 'Big sale', 'buy', ['Message-ID: <sale@shop.example>']),
      ).toMatchObject({ outcome: 'duplicate', first: { outcome: 'dropped' } });
    });

    it('a spam verdict FAIL quarantines the mail', async () => {
      const result = await w.mailIn('ivan@example.com', 'You won', 'x', [
        'X-SES-Spam-Verdict: FAIL',
        'X-SES-Virus-Verdict: PASS',
      ]);
      expect(result).toMatchObject({ outcome: 'quarantined', reason: 'SES spam verdict FAIL' });
      expect(await today()).toEqual([
        expect.objectContaining({
          outcome: 'quarantined',
          objectKey: expect.stringMatching(/^quarantine\/ses-verdict\//),
        }),
      ]);
    });

    it('mail over the size limit is refused and moved aside, with a record', async () => {
      const key = await w.receive([`From: ${ALICE}`, `To: ${SUPPORT}`, 'Subject: huge'], 'x'.repeat(5000));
      expect(await w.ingester().ingest(key)).toMatchObject({
        outcome: 'refused',
        reason: expect.stringMatching(/exceeds the 4096-byte limit/),
      });
      expect(await w.rawMail.head(key)).toBeUndefined();
      expect(await today()).toEqual([
        expect.objectContaining({ outcome: 'refused', objectKey: 'quarantine/too-large/0001' }),
      ]);
      expect(await ticketsOf(ALICE)).toEqual([]);
    });

    it('a stored mail that is gone is missing', async () => {
      expect(await w.ingester().ingest('inbox/never')).toEqual({ outcome: 'missing' });
    });
  });
});
