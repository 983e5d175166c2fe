import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageIndex } from '../../../functions/email/store/ports.js';
import type { TicketStore } from '../../../functions/tickets/store/ticket-store.js';
import { failure, minutes, storedComment, storedTicket } from './store-fixtures.js';

export interface MessageIndexUnderTest {
  readonly index: MessageIndex;
  /** Where `landed` looks for tickets and comments (the same table on AWS). */
  readonly tickets: TicketStore;
  readonly cleanup: () => Promise<void>;
}

const LEASE = 3 * 60_000;

/**
 * What every MessageIndex adapter must do, as the ingest relies on it (exactly once per
 * Message-ID; docs/email.md): run against the in-memory adapter (message-index.memory.test.ts,
 * unit project) and DynamoDB Local (message-index.dynamodb.test.ts, integration project).
 */
export function messageIndexContract(name: string, make: () => Promise<MessageIndexUnderTest>): void {
  describe(`MessageIndex contract: ${name}`, () => {
    let index: MessageIndex;
    let tickets: TicketStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ index, tickets, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const t0 = minutes(0);
    const later = (ms: number) => new Date(t0.getTime() + ms);

    describe('claims', () => {
      it('the first delivery claims; another while the lease runs is in progress', async () => {
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({ status: 'claimed' });
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({ status: 'in-progress' });
        expect(await index.claim('<a@x>', later(LEASE - 1), LEASE)).toEqual({ status: 'in-progress' });
        expect(await index.claim('<b@x>', t0, LEASE)).toEqual({ status: 'claimed' });
      });

      it('a lease that ran out (by the time passed in) is taken over once, with nothing pending', async () => {
        await index.claim('<a@x>', t0, LEASE);
        // The lease runs until t0 + LEASE exclusive: at that instant it is over.
        expect(await index.claim('<a@x>', later(LEASE), LEASE)).toEqual({
          status: 'resumed',
          pending: undefined,
        });
        expect(await index.claim('<a@x>', later(LEASE), LEASE)).toEqual({ status: 'in-progress' });
        expect(await index.claim('<a@x>', later(2 * LEASE - 1), LEASE)).toEqual({ status: 'in-progress' });
        expect(await index.claim('<a@x>', later(2 * LEASE), LEASE)).toMatchObject({ status: 'resumed' });
      });

      it('deliveries at once: one claims, the others are in progress; takeovers at once: one resumes', async () => {
        const first = await Promise.all([1, 2, 3].map(() => index.claim('<a@x>', t0, LEASE)));
        expect(first.map((r) => r.status).sort()).toEqual(['claimed', 'in-progress', 'in-progress']);
        const takeovers = await Promise.all([1, 2, 3].map(() => index.claim('<a@x>', later(LEASE), LEASE)));
        expect(takeovers.map((r) => r.status).sort()).toEqual(['in-progress', 'in-progress', 'resumed']);
      });

      it('the write an attempt noted is what the next one resumes with', async () => {
        await index.claim('<a@x>', t0, LEASE);
        const pending = {
          ticketId: 'INC-000001',
          created: false,
          comment: { createdAt: t0.toISOString(), id: 'c1' },
        };
        await index.notePending('<a@x>', pending);
        expect(await index.claim('<a@x>', later(LEASE), LEASE)).toEqual({ status: 'resumed', pending });
        await index.notePending('<a@x>', { ticketId: 'INC-000002', created: true });
        expect(await index.claim('<a@x>', later(2 * LEASE), LEASE)).toEqual({
          status: 'resumed',
          pending: { ticketId: 'INC-000002', created: true },
        });
      });

      it('a released claim is taken over at once, keeping what was pending', async () => {
        await index.claim('<a@x>', t0, LEASE);
        await index.notePending('<a@x>', { ticketId: 'INC-000001', created: true });
        await index.release('<a@x>');
        await index.release('<a@x>'); // releasing twice changes nothing
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({
          status: 'resumed',
          pending: { ticketId: 'INC-000001', created: true },
        });
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({ status: 'in-progress' });
      });

      it('releasing a Message-ID never claimed leaves nothing behind', async () => {
        await index.release('<never@x>');
        expect(await index.claim('<never@x>', t0, LEASE)).toEqual({ status: 'claimed' });
      });
    });

    describe('completion', () => {
      it('a completed message is a duplicate for good, with its outcome; release no longer reopens it', async () => {
        await index.claim('<a@x>', t0, LEASE);
        await index.notePending('<a@x>', { ticketId: 'INC-000001', created: true });
        const outcome = { outcome: 'ticket', ticketId: 'INC-000001' } as const;
        await index.complete('<a@x>', outcome, later(1));
        await index.release('<a@x>');
        expect(await index.claim('<a@x>', later(10 * LEASE), LEASE)).toEqual({
          status: 'duplicate',
          outcome,
        });
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({ status: 'duplicate', outcome });
      });

      it('only mail that became a ticket or a comment threads replies onto its ticket', async () => {
        const outcomes = {
          '<ticket@x>': { outcome: 'ticket', ticketId: 'INC-000001' },
          '<comment@x>': { outcome: 'comment', ticketId: 'INC-000002', commentId: 'c1' },
          '<note@x>': { outcome: 'note', ticketId: 'INC-000003', commentId: 'c2', reason: 'uninvolved' },
          '<dropped@x>': { outcome: 'dropped', reason: 'bulk mail' },
        } as const;
        for (const [id, outcome] of Object.entries(outcomes)) {
          await index.claim(id, t0, LEASE);
          await index.complete(id, outcome, t0);
        }
        const owners = await index.ticketsOf([...Object.keys(outcomes), '<unknown@x>']);
        expect(Object.fromEntries(owners)).toEqual({
          '<ticket@x>': 'INC-000001',
          '<comment@x>': 'INC-000002',
        });
        expect(await index.claim('<note@x>', t0, LEASE)).toEqual({
          status: 'duplicate',
          outcome: outcomes['<note@x>'],
        });
      });

      it('stores no undefined members of an outcome', async () => {
        await index.claim('<a@x>', t0, LEASE);
        await index.complete('<a@x>', { outcome: 'dropped', reason: undefined, ticketId: undefined }, t0);
        const again = await index.claim('<a@x>', t0, LEASE);
        expect(again).toEqual({ status: 'duplicate', outcome: { outcome: 'dropped' } });
        expect(Object.keys((again as { outcome: object }).outcome)).toEqual(['outcome']);
      });

      it('a message completed without a claim is a duplicate too', async () => {
        await index.complete('<a@x>', { outcome: 'refused', reason: 'too large' }, t0);
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({
          status: 'duplicate',
          outcome: { outcome: 'refused', reason: 'too large' },
        });
      });

      it('a note without a claim is never taken over: every delivery is told to wait', async () => {
        // No caller does this (the ingest notes only what it claimed); both adapters agree on it.
        await index.notePending('<a@x>', { ticketId: 'INC-000001', created: true });
        expect(await index.claim('<a@x>', t0, LEASE)).toEqual({ status: 'in-progress' });
        expect(await index.claim('<a@x>', later(100 * LEASE), LEASE)).toEqual({ status: 'in-progress' });
      });
    });

    describe('our own mail', () => {
      it('an outbound Message-ID threads to its ticket and, delivered to us, is a duplicate', async () => {
        await index.recordOutbound('<opsdesk.e1.INC-000001@opsdesk.test>', 'INC-000001', t0);
        await index.recordOutbound('<ses-id@eu-west-1.amazonses.com>', 'INC-000001', t0);
        expect(
          Object.fromEntries(await index.ticketsOf(['<ses-id@eu-west-1.amazonses.com>', '<x@y>'])),
        ).toEqual({
          '<ses-id@eu-west-1.amazonses.com>': 'INC-000001',
        });
        expect(await index.claim('<opsdesk.e1.INC-000001@opsdesk.test>', t0, LEASE)).toEqual({
          status: 'duplicate',
          outcome: { outcome: 'dropped', reason: 'a Message-ID of our own mail' },
        });
      });

      it('recording an outbound id replaces what the id held', async () => {
        await index.claim('<a@x>', t0, LEASE);
        await index.complete('<a@x>', { outcome: 'ticket', ticketId: 'INC-000001' }, t0);
        await index.recordOutbound('<a@x>', 'INC-000009', t0);
        expect(Object.fromEntries(await index.ticketsOf(['<a@x>']))).toEqual({ '<a@x>': 'INC-000009' });
        expect(await index.claim('<a@x>', t0, LEASE)).toMatchObject({
          status: 'duplicate',
          outcome: { outcome: 'dropped' },
        });
      });
    });

    describe('ticketsOf', () => {
      it('nothing asked, nothing found; unknown ids are left out', async () => {
        expect(await index.ticketsOf([])).toEqual(new Map());
        expect(await index.ticketsOf(['<a@x>', '<b@x>'])).toEqual(new Map());
      });

      it('reads more than one batch (over 100 ids)', async () => {
        const ids = Array.from({ length: 130 }, (_, i) => `<m${i}@x>`);
        await index.recordOutbound(ids[0]!, 'INC-000001', t0);
        await index.recordOutbound(ids[129]!, 'INC-000002', t0);
        expect(Object.fromEntries(await index.ticketsOf(ids))).toEqual({
          [ids[0]!]: 'INC-000001',
          [ids[129]!]: 'INC-000002',
        });
      });

      it('refuses an id asked twice in one batch, as BatchGetItem does', async () => {
        expect(await failure(index.ticketsOf(['<a@x>', '<a@x>']))).toMatchObject({
          name: 'ValidationException',
        });
      });
    });

    describe('landed', () => {
      it('a pending ticket landed when the ticket exists', async () => {
        await storedTicket(tickets, 'INC-000100');
        expect(await index.landed({ ticketId: 'INC-000100', created: true })).toBe(true);
        expect(await index.landed({ ticketId: 'INC-000101', created: true })).toBe(false);
      });

      it('a pending comment landed when that comment (its time and id) exists', async () => {
        const t = await storedTicket(tickets, 'INC-000110');
        const { comment } = await storedComment(tickets, t, 'internal', minutes(5).toISOString());
        const pending = (createdAt: string, id: string) => ({
          ticketId: t.id,
          created: false,
          comment: { createdAt, id },
        });
        expect(await index.landed(pending(comment.createdAt, comment.id))).toBe(true);
        expect(await index.landed(pending(minutes(6).toISOString(), comment.id))).toBe(false);
        expect(await index.landed(pending(comment.createdAt, 'c-other'))).toBe(false);
        expect(
          await index.landed({ ...pending(comment.createdAt, comment.id), ticketId: 'INC-000111' }),
        ).toBe(false);
      });
    });
  });
}
