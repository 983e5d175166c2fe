import { describe, expect, it } from 'vitest';
import type { CatalogHistoryEntry, CatalogItem } from '../../../functions/catalog/model.js';
import type { CatalogStore } from '../../../functions/catalog/store/catalog-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';

const T = '2026-11-23T10:00:00.000Z';
let seq = 0;

export function anItem(id: string, fields: Partial<CatalogItem> = {}): CatalogItem {
  return {
    id,
    name: `Item ${id}`,
    description: '',
    category: 'hardware',
    serviceId: 'workplace',
    status: 'published',
    audience: { groups: [] },
    formSchema: { type: 'object', properties: { model: { type: 'string' } } },
    approval: {
      policy: 'none',
      groups: [],
      requiredWhen: null,
      escalateAfterHours: 24,
      expireAfterHours: 72,
    },
    fulfilment: { steps: [{ id: 'a', name: 'A', groupId: 'desk', after: [], instructions: null }] },
    defaults: { impact: 3, urgency: 3, category: null },
    createdAt: T,
    updatedAt: T,
    version: 1,
    ...fields,
  };
}

function entry(item: CatalogItem): CatalogHistoryEntry {
  seq++;
  return {
    id: `01JC${Date.now().toString(36)}${String(seq).padStart(8, '0')}`,
    recordId: item.id,
    at: T,
    actor: { id: 'ada', name: 'Ada' },
    action: item.version === 1 ? 'created' : 'updated',
    changes: [],
    events:
      item.status === 'published'
        ? [{ detailType: 'Catalog Item Published', detail: { catalogItemId: item.id } }]
        : [],
  };
}

/** What every CatalogStore adapter answers alike (run over memory and DynamoDB Local). */
export function catalogStoreContract(name: string, open: () => Promise<CatalogStore>): void {
  describe(`CatalogStore contract: ${name}`, () => {
    it('creates once, replaces only the version read, and reads back what it wrote', async () => {
      const store = await open();
      const item = anItem('laptop');
      await store.put(item, 0, entry(item));
      expect(await store.get('laptop')).toEqual(item);
      await expect(store.put(item, 0, entry(item))).rejects.toBeInstanceOf(StaleWriteError);
      const next = { ...item, name: 'Laptop v2', version: 2 };
      await store.put(next, 1, entry(next));
      const stale = await store.put({ ...next, version: 2 }, 1, entry(next)).catch((error) => error);
      expect(stale).toBeInstanceOf(StaleWriteError);
      expect((stale as StaleWriteError).currentVersion).toBe(2);
      expect((await store.get('laptop'))?.name).toBe('Laptop v2');
      expect(await store.get('nothing')).toBeUndefined();
    });

    it('lists by id through one index, narrowed by the other filters, in pages', async () => {
      const store = await open();
      for (const [id, fields] of [
        ['a', {}],
        ['b', { status: 'draft' as const }],
        ['c', { serviceId: 'email', category: 'accounts' }],
        ['d', {}],
      ] as const) {
        const item = anItem(id, fields);
        await store.put(item, 0, entry(item));
      }
      const ids = async (query: Parameters<CatalogStore['list']>[0]) =>
        (await store.list(query, { limit: 25 })).items.map((i) => i.id);
      expect(await ids({})).toEqual(['a', 'b', 'c', 'd']);
      expect(await ids({ status: 'draft' })).toEqual(['b']);
      expect(await ids({ serviceId: 'workplace', status: 'published' })).toEqual(['a', 'd']);
      expect(await ids({ category: 'accounts' })).toEqual(['c']);
      const first = await store.list({}, { limit: 2 });
      expect(first.items.map((i) => i.id)).toEqual(['a', 'b']);
      const second = await store.list({}, { limit: 2, startKey: first.lastKey! });
      expect(second.items.map((i) => i.id)).toEqual(['c', 'd']);
    });

    it('keeps approval timers in the due index: due ones only, earliest first, cleared by null', async () => {
      const store = await open();
      await store.setApprovalDue('REQ-000002', '2026-11-24T10:00:00.000Z');
      await store.setApprovalDue('REQ-000001', '2026-11-23T12:00:00.000Z');
      await store.setApprovalDue('REQ-000003', '2026-11-30T10:00:00.000Z');
      const due = await store.listApprovalDue('2026-11-24T10:00:00.000Z', { limit: 10 });
      expect(due.items).toEqual([
        { ticketId: 'REQ-000001', dueAt: '2026-11-23T12:00:00.000Z' },
        { ticketId: 'REQ-000002', dueAt: '2026-11-24T10:00:00.000Z' },
      ]);
      await store.setApprovalDue('REQ-000001', null);
      await store.setApprovalDue('REQ-000002', '2026-11-26T10:00:00.000Z');
      expect((await store.listApprovalDue('2026-11-24T10:00:00.000Z', { limit: 10 })).items).toEqual([]);
    });
  });
}
