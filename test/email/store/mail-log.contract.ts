import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailLog, MailRecord, MailRecordQuery } from '../../../functions/email/store/ports.js';
import { failure, minutes } from './store-fixtures.js';

export interface MailLogUnderTest {
  readonly log: MailLog & MailRecordQuery;
  readonly cleanup: () => Promise<void>;
}

/**
 * What every MailLog adapter must do (the ingest records mail that became no ticket; operators and
 * tests read a day back, GET /mail-outcomes by outcome or sender): run against the in-memory
 * adapter and DynamoDB Local.
 */
export function mailLogContract(name: string, make: () => Promise<MailLogUnderTest>): void {
  describe(`MailLog contract: ${name}`, () => {
    let log: MailLog & MailRecordQuery;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ log, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const record = (minute: number, overrides: Partial<MailRecord> = {}): MailRecord => ({
      at: minutes(minute).toISOString(),
      objectKey: `inbox/${minute}`,
      messageId: `<${minute}@x>`,
      from: 'news@shop.example',
      subject: 'Big sale',
      outcome: 'dropped',
      reason: 'bulk mail from a sender not on the allowlist',
      classification: { kind: 'bulk', reasons: ['precedence: bulk'] },
      ...overrides,
    });
    const DAY = '2026-11-23';

    it('an empty day lists nothing', async () => {
      expect(await log.list(DAY, 10)).toEqual([]);
    });

    it('lists a day newest first, records as written, at most `limit`', async () => {
      await log.record(record(1));
      await log.record(record(3, { outcome: 'quarantined', reason: 'SES spam verdict FAIL' }));
      await log.record(record(2));
      await log.record(record(24 * 60)); // the next day
      expect(await log.list(DAY, 10)).toEqual([
        record(3, { outcome: 'quarantined', reason: 'SES spam verdict FAIL' }),
        record(2),
        record(1),
      ]);
      expect(await log.list(DAY, 2)).toEqual([
        record(3, { outcome: 'quarantined', reason: 'SES spam verdict FAIL' }),
        record(2),
      ]);
      expect(await log.list('2026-11-24', 10)).toEqual([record(24 * 60)]);
    });

    it('keeps every record of one instant; members left undefined are not stored', async () => {
      const bare = record(5, {
        messageId: undefined,
        from: undefined,
        subject: undefined,
        classification: undefined,
      });
      await log.record(bare);
      await log.record(bare);
      await log.record(record(5));
      const listed = await log.list(DAY, 10);
      expect(listed).toHaveLength(3);
      expect(listed).toContainEqual(record(5));
      const stored = listed.filter((entry) => entry.messageId === undefined);
      expect(stored).toHaveLength(2);
      for (const entry of stored) {
        expect(Object.keys(entry).sort()).toEqual(['at', 'objectKey', 'outcome', 'reason']);
      }
    });

    it('refuses a limit below 1, as a DynamoDB Query does', async () => {
      expect(await failure(log.list(DAY, 0))).toMatchObject({ name: 'ValidationException' });
    });

    describe('find', () => {
      /** Every page, following resume keys. */
      async function all(filter: Parameters<MailRecordQuery['find']>[0], limit: number) {
        const items: MailRecord[] = [];
        const pages: number[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await log.find(filter, { limit, startKey });
          items.push(...page.items);
          pages.push(page.items.length);
          startKey = page.lastKey;
        } while (startKey && pages.length < 20);
        return { items, pages };
      }

      beforeEach(async () => {
        await log.record(record(1, { from: 'News@Shop.example' }));
        await log.record(record(2, { outcome: 'quarantined', from: 'ivan@example.com', reason: 'spam' }));
        await log.record(record(3, { outcome: 'refused', from: undefined, reason: 'too large' }));
        await log.record(record(24 * 60 + 4)); // another day: all days are found
      });

      it('all records, newest first, across days and pages', async () => {
        const { items, pages } = await all({}, 3);
        expect(items.map((entry) => entry.at)).toEqual(
          [24 * 60 + 4, 3, 2, 1].map((minute) => minutes(minute).toISOString()),
        );
        expect(pages).toEqual([3, 1]);
      });

      it('by outcome', async () => {
        expect((await all({ outcome: 'dropped' }, 10)).items.map((entry) => entry.objectKey)).toEqual([
          `inbox/${24 * 60 + 4}`,
          'inbox/1',
        ]);
        expect((await all({ outcome: 'refused' }, 10)).items).toEqual([
          record(3, { outcome: 'refused', from: undefined, reason: 'too large' }),
        ]);
        expect((await all({ outcome: 'duplicate' }, 10)).items).toEqual([]);
      });

      it('by sender, whatever the case of the address; with an outcome too', async () => {
        expect(
          (await all({ sender: 'news@shop.EXAMPLE' }, 10)).items.map((entry) => entry.objectKey),
        ).toEqual([`inbox/${24 * 60 + 4}`, 'inbox/1']);
        expect((await all({ sender: 'ivan@example.com', outcome: 'dropped' }, 10)).items).toEqual([]);
        expect((await all({ sender: 'ivan@example.com', outcome: 'quarantined' }, 10)).items).toEqual([
          record(2, { outcome: 'quarantined', from: 'ivan@example.com', reason: 'spam' }),
        ]);
      });
    });
  });
}
