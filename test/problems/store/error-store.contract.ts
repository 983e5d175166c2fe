import { describe, expect, it } from 'vitest';
import type { KnownError } from '../../../functions/problems/model.js';
import { newKnownError } from '../../../functions/problems/rules.js';
import type { KnownErrorStore } from '../../../functions/problems/store/error-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';

let n = 0;
const stamp = () => ({
  now: `2026-12-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
  eventId: `01JEVENT${String(++n).padStart(18, '0')}`,
});
const history = (error: KnownError, action: 'created' | 'updated' = 'created') => ({
  id: stamp().eventId,
  recordId: error.id,
  at: error.updatedAt,
  actor: { id: 'ann', name: 'Ann' },
  action,
  changes: [],
  events: [
    {
      detailType: action === 'created' ? 'Known Error Created' : 'Known Error Updated',
      detail: { knownErrorId: error.id },
    },
  ],
});
const anError = (id: string, fields: Partial<Parameters<typeof newKnownError>[1]> = {}) =>
  newKnownError(id, { title: `Error ${id}`, workaround: 'Restart', ...fields }, [], stamp());

/** What every KnownErrorStore adapter answers alike (memory and DynamoDB). */
export function knownErrorStoreContract(name: string, open: () => Promise<KnownErrorStore>): void {
  describe(`KnownErrorStore contract: ${name}`, () => {
    it('numbers from 1, creates once (a second create of the id is refused) and reads with usage', async () => {
      const store = await open();
      expect(await store.nextSequence()).toBe(1);
      expect(await store.nextSequence()).toBe(2);
      const error = anError('KE-000001', { ciIds: ['db-1'] });
      await store.commit({ after: error, history: history(error) });
      expect(await store.get('KE-000001')).toEqual(error);
      await expect(store.commit({ after: error, history: history(error) })).rejects.toThrow();
      expect(await store.get('KE-000404')).toBeUndefined();
    });

    it('updates conditionally on the version: a stale write is StaleWriteError and changes nothing', async () => {
      const store = await open();
      const error = anError('KE-000001');
      await store.commit({ after: error, history: history(error) });
      const next = { ...error, title: 'Renamed', version: 2 };
      await store.commit({ before: error, after: next, history: history(next, 'updated') });
      const lost = { ...error, title: 'Lost', version: 2 };
      await expect(
        store.commit({ before: error, after: lost, history: history(lost, 'updated') }),
      ).rejects.toBeInstanceOf(StaleWriteError);
      expect((await store.get('KE-000001'))?.title).toBe('Renamed');
    });

    it('lists newest first by CI and problem membership, narrowing by the other filters', async () => {
      const store = await open();
      const a = {
        ...anError('KE-000001', { ciIds: ['db-1'], errorCodes: ['ORA-600'] }),
        createdAt: '2026-12-01T10:00:00.000Z',
      };
      const b = {
        ...anError('KE-000002', { ciIds: ['db-1', 'web-1'], problemId: 'PRB-000001', status: 'published' }),
        createdAt: '2026-12-01T11:00:00.000Z',
      };
      for (const e of [a, b]) await store.commit({ after: e, history: history(e) });
      const ids = async (filter: Parameters<KnownErrorStore['list']>[0]) =>
        (await store.list(filter, { limit: 25 })).items.map((e) => e.id);
      expect(await ids({ ciId: 'db-1' })).toEqual(['KE-000002', 'KE-000001']);
      expect(await ids({ ciId: 'web-1' })).toEqual(['KE-000002']);
      expect(await ids({ problemId: 'PRB-000001' })).toEqual(['KE-000002']);
      expect(await ids({ errorCode: 'ora-600' })).toEqual(['KE-000001']);
      expect(await ids({ status: 'published' })).toEqual(['KE-000002']);
      expect(await ids({ publicOnly: true })).toEqual([]);
      expect(await ids({})).toEqual(['KE-000002', 'KE-000001']);
      // CI membership follows a PATCH of ciIds.
      const moved = { ...a, ciIds: ['web-1'], version: 2 };
      await store.commit({ before: a, after: moved, history: history(moved, 'updated') });
      expect(await ids({ ciId: 'db-1' })).toEqual(['KE-000002']);
      expect(await ids({ ciId: 'web-1' })).toEqual(['KE-000002', 'KE-000001']);
    });

    it('keeps the published index and bumps its version only when what is matched on changes', async () => {
      const store = await open();
      expect(await store.publishedIndex()).toEqual({ version: 0, entries: [] });
      const draft = anError('KE-000001', { ciIds: ['db-1'], errorCodes: ['E42'] });
      await store.commit({ after: draft, history: history(draft) });
      expect(await store.indexVersion()).toBe(0);
      const published = { ...draft, status: 'published' as const, version: 2 };
      await store.commit({ before: draft, after: published, history: history(published, 'updated') });
      expect(await store.publishedIndex()).toEqual({
        version: 1,
        entries: [{ id: 'KE-000001', ciIds: ['db-1'], serviceIds: [], errorCodes: ['e42'], applied: 0 }],
      });
      const retitled = { ...published, title: 'Other title', version: 3 };
      await store.commit({ before: published, after: retitled, history: history(retitled, 'updated') });
      expect(await store.indexVersion()).toBe(1);
      const retired = { ...retitled, status: 'retired' as const, version: 4 };
      await store.commit({ before: retitled, after: retired, history: history(retired, 'updated') });
      expect(await store.publishedIndex()).toEqual({ version: 2, entries: [] });
    });

    it('counts usage once per application, in the record and the index entry', async () => {
      const store = await open();
      const error = anError('KE-000001', { status: 'published' });
      await store.commit({ after: error, history: history(error) });
      expect(await store.recordUsage('app-1', error, { applied: 1, resolved: 1 })).toBe(true);
      expect(await store.recordUsage('app-1', error, { applied: 1, resolved: 1 })).toBe(false);
      expect(await store.recordUsage('app-2', error, { applied: 1, resolved: 0 })).toBe(true);
      expect((await store.get('KE-000001'))?.usage).toEqual({ applied: 2, resolvedIncidents: 1 });
      expect((await store.publishedIndex()).entries[0]?.applied).toBe(2);
      // A PATCH after the counts keeps them (usage is its own item).
      const current = (await store.get('KE-000001'))!;
      const next = { ...current, title: 'x', version: 2 };
      await store.commit({ before: current, after: next, history: history(next, 'updated') });
      expect((await store.get('KE-000001'))?.usage).toEqual({ applied: 2, resolvedIncidents: 1 });
    });

    it('reads history oldest first, and appends a foreign history entry once', async () => {
      const store = await open();
      const error = anError('KE-000001');
      await store.commit({ after: error, history: history(error) });
      const page = await store.history('KE-000001', { limit: 10 });
      expect(page.items.map((e) => e.events[0]?.detailType)).toEqual(['Known Error Created']);
      const entry = { ...history(error), recordId: 'PRB-000001', id: 'cascade-x' };
      await store.appendHistory('TICKET#PRB-000001', entry);
      await store.appendHistory('TICKET#PRB-000001', entry);
    });
  });
}
