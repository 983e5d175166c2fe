import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailThread, MailThreadStore } from '../../../functions/email/store/ports.js';
import { minutes } from './store-fixtures.js';

export interface MailThreadStoreUnderTest {
  readonly threads: MailThreadStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * What every MailThreadStore adapter must do (the ingest writes threads, the notifier reads them to
 * thread and address our mail): run against the in-memory adapter and DynamoDB Local.
 */
export function mailThreadStoreContract(name: string, make: () => Promise<MailThreadStoreUnderTest>): void {
  describe(`MailThreadStore contract: ${name}`, () => {
    let threads: MailThreadStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ threads, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const thread = (overrides: Partial<MailThread> = {}): MailThread => ({
      ticketId: 'INC-000001',
      participants: ['carol@example.com'],
      messageIds: ['<first@alice.example>'],
      lastInboundMessageId: '<first@alice.example>',
      acknowledge: true,
      updatedAt: minutes(0).toISOString(),
      ...overrides,
    });
    const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `<m${from + i}@x>`);

    it('an unknown ticket has no thread', async () => {
      expect(await threads.get('INC-000404')).toBeUndefined();
    });

    it('round-trips a thread exactly; a missing last inbound id is stored absent', async () => {
      await threads.put(thread());
      expect(await threads.get('INC-000001')).toEqual(thread());
      await threads.put(thread({ ticketId: 'INC-000002', lastInboundMessageId: undefined, messageIds: [] }));
      const read = await threads.get('INC-000002');
      expect(read).toEqual(
        thread({ ticketId: 'INC-000002', lastInboundMessageId: undefined, messageIds: [] }),
      );
      expect(read).not.toHaveProperty('lastInboundMessageId');
      expect(await threads.get('INC-000001')).toEqual(thread());
    });

    it('a put replaces the thread, and keeps its Message-IDs unique and bounded (first 3, last 20)', async () => {
      await threads.put(thread());
      const many = [...ids(30), '<m0@x>', '<m29@x>'];
      await threads.put(thread({ participants: [], acknowledge: false, messageIds: many }));
      const read = await threads.get('INC-000001');
      expect(read).toEqual(
        thread({ participants: [], acknowledge: false, messageIds: [...ids(3), ...ids(20, 10)] }),
      );
    });

    it('hands out copies', async () => {
      const written = thread();
      await threads.put(written);
      (written.participants as string[]).push('mallory@example.com');
      const read = (await threads.get('INC-000001'))!;
      (read.messageIds as string[]).push('<changed@x>');
      expect(await threads.get('INC-000001')).toEqual(thread());
    });

    it('an inbound Message-ID starts a thread with nobody else involved and nothing to acknowledge', async () => {
      await threads.addInbound('INC-000001', '<r1@x>', minutes(1));
      expect(await threads.get('INC-000001')).toEqual({
        ticketId: 'INC-000001',
        participants: [],
        acknowledge: false,
        messageIds: ['<r1@x>'],
        lastInboundMessageId: '<r1@x>',
        updatedAt: minutes(1).toISOString(),
      });
    });

    it('an inbound Message-ID joins a thread: participants and acknowledgement kept, ids unique and bounded', async () => {
      await threads.put(thread());
      await threads.addInbound('INC-000001', '<r1@x>', minutes(1));
      await threads.addInbound('INC-000001', '<first@alice.example>', minutes(2));
      expect(await threads.get('INC-000001')).toEqual(
        thread({
          messageIds: ['<first@alice.example>', '<r1@x>'],
          lastInboundMessageId: '<first@alice.example>',
          updatedAt: minutes(2).toISOString(),
        }),
      );
      for (const [i, id] of ids(25).entries()) await threads.addInbound('INC-000001', id, minutes(3 + i));
      const read = await threads.get('INC-000001');
      expect(read!.messageIds).toEqual(['<first@alice.example>', '<r1@x>', '<m0@x>', ...ids(20, 5)]);
      expect(read!.lastInboundMessageId).toBe('<m24@x>');
    });

    it('inbound Message-IDs added at once (at different instants) all land', async () => {
      await threads.put(thread());
      await Promise.all(ids(5).map((id, i) => threads.addInbound('INC-000001', id, minutes(1 + i))));
      const read = await threads.get('INC-000001');
      expect([...read!.messageIds].sort()).toEqual(['<first@alice.example>', ...ids(5)].sort());
      expect(read!.participants).toEqual(['carol@example.com']);
    });

    // Additions at the same instant leave `updatedAt` as it was: the write must be conditional on
    // something every write changes (the item's version), or racing additions overwrite each other.
    it('inbound Message-IDs added at once at the same instant all land', async () => {
      await threads.put(thread());
      await Promise.all(ids(5).map((id) => threads.addInbound('INC-000001', id, minutes(1))));
      const read = await threads.get('INC-000001');
      expect([...read!.messageIds].sort()).toEqual(['<first@alice.example>', ...ids(5)].sort());
      expect(ids(5)).toContain(read!.lastInboundMessageId);
      expect(read).toMatchObject({ participants: ['carol@example.com'], acknowledge: true });
      expect(read!.updatedAt).toBe(minutes(1).toISOString());

      // A new thread too, and again on top of it.
      await Promise.all(ids(5, 10).map((id) => threads.addInbound('INC-000002', id, minutes(1))));
      await Promise.all(ids(5, 20).map((id) => threads.addInbound('INC-000002', id, minutes(1))));
      expect([...(await threads.get('INC-000002'))!.messageIds].sort()).toEqual(
        [...ids(5, 10), ...ids(5, 20)].sort(),
      );
    });

    it('additions at the same instant to a full thread keep it bounded: the root ids and the latest 20', async () => {
      await threads.put(thread({ messageIds: ids(23) }));
      const added = ids(5, 100);
      await Promise.all(added.map((id) => threads.addInbound('INC-000001', id, minutes(0))));
      const read = (await threads.get('INC-000001'))!.messageIds;
      expect(read).toHaveLength(23);
      expect(read.slice(0, 3)).toEqual(ids(3));
      expect(read.slice(3, 18)).toEqual(ids(15, 8));
      expect([...read.slice(18)].sort()).toEqual([...added].sort());
    });

    it('stores nothing but the thread: what get reads back is a MailThread', async () => {
      await threads.addInbound('INC-000001', '<r1@x>', minutes(1));
      await threads.addInbound('INC-000001', '<r2@x>', minutes(1));
      await threads.put(thread({ ticketId: 'INC-000002' }));
      await threads.addInbound('INC-000002', '<r3@x>', minutes(1));
      expect(Object.keys((await threads.get('INC-000001'))!).sort()).toEqual(
        ['acknowledge', 'lastInboundMessageId', 'messageIds', 'participants', 'ticketId', 'updatedAt'].sort(),
      );
      expect(Object.keys((await threads.get('INC-000002'))!).sort()).toEqual(
        ['acknowledge', 'lastInboundMessageId', 'messageIds', 'participants', 'ticketId', 'updatedAt'].sort(),
      );
    });
  });
}
