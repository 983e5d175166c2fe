import { beforeEach, describe, expect, it } from 'vitest';
import { type DrPostureItem, type DrState, OUT_OF_SCOPE } from '../../../functions/cmdb/dr-posture.js';
import { DrPostureMaintainer } from '../../../functions/cmdb/dr-posture-maintainer.js';
import type { Ci } from '../../../functions/cmdb/model.js';
import type { CmdbStore } from '../../../functions/cmdb/store/cmdb-store.js';
import type { DrPostureStore } from '../../../functions/cmdb/store/dr-posture-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';
import { aCi, allPages, anEntry, aRelationshipWrite, at, nextCi } from './cmdb-fixtures.js';

/** A CMDB store and the posture store over the same table, as production shares one. */
export interface DrPostureStores {
  readonly cmdb: CmdbStore;
  readonly posture: DrPostureStore;
}

const row = (id: string, criticality: 1 | 2, fields: Partial<DrPostureItem> = {}): DrPostureItem => ({
  id,
  name: `CI ${id}`,
  class: 'server',
  criticality,
  status: 'active',
  owner: null,
  supportGroup: null,
  ...fields,
});
const uncovered = (item: DrPostureItem): DrState => ({ inScope: true, uncovered: item });
const covered: DrState = { inScope: true, uncovered: null };

/**
 * What every DrPostureStore keeps to (functions/cmdb/store/dr-posture-store.ts), and the maintainer
 * over it and a CmdbStore, run against each adapter: dr-posture-store.memory.test.ts (unit) and
 * dr-posture-store.dynamodb.test.ts (integration, DynamoDB Local).
 */
export function drPostureStoreContract(adapter: string, open: () => Promise<DrPostureStores>): void {
  describe(`DrPostureStore contract: ${adapter}`, () => {
    let stores: DrPostureStores;
    let store: DrPostureStore;

    beforeEach(async () => {
      stores = await open();
      store = stores.posture;
    });

    it('starts empty: no state, zero counts, no freshness, no rows', async () => {
      expect(await store.getState('db')).toEqual({ ...OUT_OF_SCOPE, revision: 0 });
      expect(await store.counts()).toEqual({ inScope: 0, uncovered: 0, asOf: null });
      expect(await store.uncovered({ limit: 10 })).toEqual({ items: [] });
    });

    it('keeps states, rows and counts together; rows by criticality then id, paged', async () => {
      await store.saveState('web', await store.getState('web'), uncovered(row('web', 2)));
      await store.saveState('db', await store.getState('db'), uncovered(row('db', 1, { owner: 'olga' })));
      await store.saveState('app', await store.getState('app'), uncovered(row('app', 2)));
      await store.saveState('ok', await store.getState('ok'), covered);
      expect(await store.getState('db')).toEqual({
        ...uncovered(row('db', 1, { owner: 'olga' })),
        revision: 1,
      });
      expect(await store.counts()).toMatchObject({ inScope: 4, uncovered: 3 });
      const { items, pages } = await allPages((startKey) =>
        store.uncovered({ limit: 2, ...(startKey ? { startKey } : {}) }),
      );
      expect(items.map((item) => item.id)).toEqual(['db', 'app', 'web']);
      expect(items[0]).toEqual(row('db', 1, { owner: 'olga' }));
      expect(pages[0]).toHaveLength(2);
    });

    it('moves a row when its criticality changes, drops it when covered or out of scope', async () => {
      await store.saveState('web', await store.getState('web'), uncovered(row('web', 2)));
      await store.saveState('web', await store.getState('web'), uncovered(row('web', 1, { name: 'Web' })));
      expect((await store.uncovered({ limit: 10 })).items).toEqual([row('web', 1, { name: 'Web' })]);
      await store.saveState('web', await store.getState('web'), covered);
      expect((await store.uncovered({ limit: 10 })).items).toEqual([]);
      expect(await store.counts()).toMatchObject({ inScope: 1, uncovered: 0 });
      await store.saveState('web', await store.getState('web'), OUT_OF_SCOPE);
      expect(await store.counts()).toMatchObject({ inScope: 0, uncovered: 0 });
      expect(await store.getState('web')).toMatchObject({ ...OUT_OF_SCOPE, revision: 4 });
    });

    it('refuses a write from a stale read (StaleWriteError), writing nothing of it', async () => {
      const first = await store.getState('db');
      await store.saveState('db', first, uncovered(row('db', 1)));
      await expect(store.saveState('db', first, covered)).rejects.toBeInstanceOf(StaleWriteError);
      const second = await store.getState('db');
      await store.saveState('db', second, covered);
      await expect(store.saveState('db', second, uncovered(row('db', 2)))).rejects.toBeInstanceOf(
        StaleWriteError,
      );
      expect(await store.counts()).toMatchObject({ inScope: 1, uncovered: 0 });
      expect((await store.uncovered({ limit: 10 })).items).toEqual([]);
    });

    it('freshness only moves forward', async () => {
      await store.touch(at(5));
      await store.touch(at(3));
      expect((await store.counts()).asOf).toBe(at(5));
      await store.touch(at(7));
      expect((await store.counts()).asOf).toBe(at(7));
    });

    it('the maintainer over both stores: events in, rows and counts out, redelivery harmless', async () => {
      const maintainer = new DrPostureMaintainer(stores.cmdb, store);
      const create = async (ci: Ci) => {
        await stores.cmdb.putCi({ after: ci, history: anEntry(ci, 'created') });
        return ci;
      };
      const db = await create(aCi('db', { criticality: 1 }));
      const app = await create(aCi('app', { criticality: 2 }));
      const vault = await create(aCi('vault'));
      await stores.cmdb.addRelationship(aRelationshipWrite(app, 'backed_up_by', vault));
      const events = [
        ...['db', 'app', 'vault'].map((ciId) => ({ detailType: 'CI Created', detail: { ciId, at: at(1) } })),
        {
          detailType: 'CI Relationship Added',
          detail: { source: 'app', type: 'backed_up_by', target: 'vault', at: at(2) },
        },
      ];
      expect(await maintainer.onEvents(events)).toEqual({ examined: 3, changed: 2 });
      expect(await maintainer.onEvents(events)).toEqual({ examined: 3, changed: 0 });
      expect((await store.uncovered({ limit: 10 })).items.map((item) => item.id)).toEqual(['db']);
      expect(await store.counts()).toEqual({ inScope: 2, uncovered: 1, asOf: at(2) });
      // The vault retires: app loses its cover.
      const retired = nextCi(vault, { status: 'retired' });
      await stores.cmdb.putCi({ before: vault, after: retired, history: anEntry(retired) });
      await maintainer.onEvents([
        {
          detailType: 'CI Status Changed',
          detail: { ciId: 'vault', from: 'active', to: 'retired', at: at(3) },
        },
      ]);
      expect((await store.uncovered({ limit: 10 })).items.map((item) => item.id)).toEqual(['db', 'app']);
      expect(await store.counts()).toEqual({ inScope: 2, uncovered: 2, asOf: at(3) });
      // Two consumers at once on the same CI: one wins, the other re-reads and finds nothing to do.
      const dbNow = nextCi(db, { criticality: 3 });
      await stores.cmdb.putCi({ before: db, after: dbNow, history: anEntry(dbNow) });
      const outcomes = await Promise.all(
        [1, 2].map(() =>
          maintainer.onEvents([{ detailType: 'CI Updated', detail: { ciId: 'db', at: at(4) } }]),
        ),
      );
      expect(outcomes.reduce((sum, outcome) => sum + outcome.changed, 0)).toBe(1);
      expect(await store.counts()).toEqual({ inScope: 1, uncovered: 1, asOf: at(4) });
    });
  });
}
