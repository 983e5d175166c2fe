import { beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentRecord } from '../../../functions/attachments/model.js';
import { attachmentObjectKey } from '../../../functions/attachments/model.js';
import type { AttachmentStore } from '../../../functions/attachments/store/attachment-store.js';

/**
 * What every AttachmentStore keeps to, run against the in-memory adapter
 * (attachment-store.memory.test.ts) and DynamoDB Local (attachment-store.dynamodb.test.ts).
 */
export function attachmentStoreContract(adapter: string, open: () => Promise<AttachmentStore>): void {
  describe(`AttachmentStore contract: ${adapter}`, () => {
    let store: AttachmentStore;

    beforeEach(async () => {
      store = await open();
    });

    function record(id: string, overrides: Partial<AttachmentRecord> = {}): AttachmentRecord {
      const ticketId = overrides.ticketId ?? 'INC-000001';
      return {
        id,
        ticketId,
        commentId: null,
        filename: `${id}.png`,
        contentType: 'image/png',
        size: 1024,
        inline: false,
        contentId: null,
        source: 'upload',
        internal: false,
        objectKey: attachmentObjectKey(ticketId, id),
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: { id: 'alice', name: 'Alice' },
        ...overrides,
      };
    }

    const ids = (records: readonly AttachmentRecord[]) => records.map((r) => r.id);

    it('reads a stored record exactly, without key attributes; an absent one, or another ticket’s, as undefined', async () => {
      const file = record('01JA', {
        commentId: 'c-1',
        inline: true,
        contentId: '<logo@mail>',
        source: 'email',
        internal: true,
        createdBy: { id: 'mail', name: null },
      });
      await store.put(file);
      const read = await store.get('INC-000001', '01JA');
      expect(read).toEqual(file);
      expect(Object.keys(read!).sort()).toEqual(Object.keys(file).sort());
      expect(await store.get('INC-000001', '01JB')).toBeUndefined();
      expect(await store.get('INC-000002', '01JA')).toBeUndefined();
    });

    it('a put is idempotent, and a put of the same id replaces the record', async () => {
      await store.put(record('01JA'));
      await store.put(record('01JA'));
      expect(ids(await store.list('INC-000001', 10))).toEqual(['01JA']);
      await store.put(record('01JA', { size: 2048 }));
      expect(await store.list('INC-000001', 10)).toEqual([record('01JA', { size: 2048 })]);
    });

    it('lists one ticket’s records oldest first (ties by id)', async () => {
      await store.put(record('01JC', { createdAt: '2026-11-23T10:00:01.000Z' }));
      await store.put(record('01JB', { createdAt: '2026-11-23T10:00:02.000Z' }));
      await store.put(record('01JA', { createdAt: '2026-11-23T10:00:02.000Z' }));
      await store.put(record('01JD', { ticketId: 'INC-000002' }));
      expect(ids(await store.list('INC-000001', 10))).toEqual(['01JC', '01JA', '01JB']);
      expect(ids(await store.list('INC-000002', 10))).toEqual(['01JD']);
      expect(await store.list('INC-000404', 10)).toEqual([]);
    });

    it('bounded, it reads the first records by id (ULIDs: the oldest) and returns those oldest first', async () => {
      await store.put(record('01JA', { createdAt: '2026-11-23T10:00:03.000Z' }));
      await store.put(record('01JB', { createdAt: '2026-11-23T10:00:01.000Z' }));
      await store.put(record('01JC', { createdAt: '2026-11-23T10:00:00.000Z' }));
      expect(ids(await store.list('INC-000001', 2))).toEqual(['01JB', '01JA']);
    });

    it('refuses a limit below 1', async () => {
      await expect(store.list('INC-000001', 0)).rejects.toThrow();
    });
  });
}
