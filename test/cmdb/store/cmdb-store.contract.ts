import { beforeEach, describe, expect, it } from 'vitest';
import type { Ci, CiHistoryEntry } from '../../../functions/cmdb/model.js';
import type { RelationshipType } from '../../../functions/cmdb/relationship-types.js';
import {
  type CiQuery,
  type CiWrite,
  ClaimTakenError,
  type CmdbStore,
  RelationshipRefusedError,
} from '../../../functions/cmdb/store/cmdb-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';
import { aCi, aClass, allPages, anEntry, aRelationshipWrite, at, nextCi } from './cmdb-fixtures.js';

export interface CmdbContractOptions {
  /**
   * Run the tests that need hundreds of writes (the 500-relationship limit). Cheap in memory, slow
   * on DynamoDB Local; the limit's condition is the same plan (cmdb-writes.ts) in both adapters.
   */
  readonly bulk?: boolean;
}

/**
 * What every CmdbStore keeps to (functions/cmdb/store/cmdb-store.ts), declared once and run against
 * each adapter: cmdb-store.memory.test.ts (unit) and cmdb-store.dynamodb.test.ts (integration,
 * DynamoDB Local). `open` gives a fresh, empty store for each test.
 */
export function cmdbStoreContract(
  adapter: string,
  open: () => Promise<CmdbStore>,
  options: CmdbContractOptions = {},
): void {
  describe(`CmdbStore contract: ${adapter}`, () => {
    let store: CmdbStore;

    beforeEach(async () => {
      store = await open();
    });

    /** Creates the CI with a `created` entry and no warranty notice; returns it. */
    async function create(ci: Ci, warrantyNoticeAt: string | null = null): Promise<Ci> {
      await store.putCi({ after: ci, history: anEntry(ci, 'created', ci.createdAt), warrantyNoticeAt });
      return ci;
    }

    /**
     * Writes the next version of `before` with `fields`; returns it. The warranty notice is none
     * (null) unless given, and may be given as undefined (the marker left as it is).
     */
    async function update(
      before: Ci,
      fields: Partial<Ci> = {},
      ...notice: [warrantyNoticeAt?: string | null | undefined]
    ): Promise<Ci> {
      const warrantyNoticeAt = notice.length > 0 ? notice[0] : null;
      const after = nextCi(before, fields);
      await store.putCi({ before, after, history: anEntry(after), warrantyNoticeAt } as CiWrite);
      return after;
    }

    async function failure(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    }

    async function historyOf(id: string): Promise<CiHistoryEntry[]> {
      return (await allPages((startKey) => store.listHistory(id, { limit: 100, startKey }))).items;
    }

    async function listIds(query: CiQuery, limit = 100): Promise<{ ids: string[]; pages: string[][] }> {
      const { items, pages } = await allPages((startKey) => store.listCis(query, { limit, startKey }));
      return { ids: items.map((ci) => ci.id), pages: pages.map((page) => page.map((ci) => ci.id)) };
    }

    async function relationshipsOf(id: string) {
      return (await allPages((startKey) => store.listRelationships(id, {}, { limit: 100, startKey }))).items;
    }

    async function warrantyDue(until: string) {
      return (await allPages((startKey) => store.listWarrantyDue(until, { limit: 100, startKey }))).items;
    }

    async function relate(source: Ci, type: RelationshipType, target: Ci): Promise<boolean> {
      return store.addRelationship(aRelationshipWrite(source, type, target));
    }

    describe('CIs', () => {
      it('reads an absent CI as undefined', async () => {
        expect(await store.getCi('ci-404')).toBeUndefined();
      });

      it('round-trips a CI exactly, with the closure a new CI has, as a copy', async () => {
        const ci = aCi('ci-1', {
          name: 'Web 1',
          description: 'front end',
          owner: 'ann',
          ownerGroup: 'ops',
          supportGroup: 'network',
          location: 'DC1',
          criticality: 1,
          asset: {
            serialNumber: 'SN-1',
            assetTag: 'AT-1',
            vendor: 'Acme',
            warrantyUntil: '2027-06-30',
            cost: { amount: '1200.00', currency: 'EUR' },
          },
          identifiers: ['web1.example.com', '10.0.0.1'],
          attributes: { cpu: 8, disks: [{ size: 100 }], tags: { tier: 'web' } },
          redundancy: { minUp: 2, unit: 'count' },
        });
        await create(ci);
        const read = await store.getCi(ci.id);
        expect(read).toEqual(ci);
        expect(Object.keys(read!).sort()).toEqual(Object.keys(ci).sort());
        (read as { name: string }).name = 'mutated by a reader';
        (read!.attributes as { cpu: number }).cpu = 1;
        expect(await store.getCi(ci.id)).toEqual(ci);
      });

      it('keeps the closure of the maintainer, not the one a CI write carries', async () => {
        const ci = aCi('ci-1', { closure: { serviceIds: ['svc-x'], computedAt: at(5), truncated: true } });
        await create(ci);
        expect((await store.getCi(ci.id))?.closure).toEqual({
          serviceIds: [],
          computedAt: null,
          truncated: false,
        });
      });

      it('round-trips a service with its portfolio fields', async () => {
        const service = aCi('svc-1', {
          class: 'business_service',
          service: { portfolioStatus: 'live', serviceHoursCalendarId: 'cal-1', availabilityTarget: 99.9 },
        });
        await create(service);
        expect(await store.getCi(service.id)).toEqual(service);
      });

      it('updates the version read; a stale one is a StaleWriteError naming the current version, and writes nothing', async () => {
        const v1 = await create(aCi('ci-1'));
        const v2 = await update(v1, { name: 'renamed', status: 'maintenance' });
        expect(await store.getCi(v1.id)).toEqual(v2);
        const lost = nextCi(v1, { name: 'lost update' });
        const error = await failure(
          store.putCi({ before: v1, after: lost, history: anEntry(lost), warrantyNoticeAt: null }),
        );
        expect(error).toBeInstanceOf(StaleWriteError);
        expect(error).toMatchObject({ recordId: v1.id, currentVersion: 2 });
        expect(await store.getCi(v1.id)).toEqual(v2);
        expect((await historyOf(v1.id)).map((h) => h.action)).toEqual(['created', 'updated']);
      });

      it('a create of an existing id is a StaleWriteError and writes nothing', async () => {
        const ci = await create(aCi('ci-1'));
        const again = aCi('ci-1', { name: 'again', identifiers: ['again.example.com'] });
        const error = await failure(
          store.putCi({ after: again, history: anEntry(again, 'created'), warrantyNoticeAt: null }),
        );
        expect(error).toBeInstanceOf(StaleWriteError);
        expect(await store.getCi(ci.id)).toEqual(ci);
        expect(await store.ciByIdentifier('again.example.com')).toBeUndefined();
        expect((await historyOf(ci.id)).map((h) => h.action)).toEqual(['created']);
      });

      it('an update of a CI that does not exist is a StaleWriteError', async () => {
        const ghost = aCi('ci-ghost');
        const after = nextCi(ghost);
        const error = await failure(
          store.putCi({ before: ghost, after, history: anEntry(after), warrantyNoticeAt: null }),
        );
        expect(error).toBeInstanceOf(StaleWriteError);
        expect(await store.getCi(ghost.id)).toBeUndefined();
      });

      it('of two writers of one version, exactly one lands', async () => {
        const v1 = await create(aCi('ci-1'));
        const results = await Promise.allSettled(
          ['a', 'b'].map((name) => {
            const after = nextCi(v1, { name });
            return store.putCi({ before: v1, after, history: anEntry(after), warrantyNoticeAt: null });
          }),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
          StaleWriteError,
        );
        expect((await store.getCi(v1.id))?.version).toBe(2);
      });

      it('an update drops the fields and list entries the new version lacks', async () => {
        const v1 = await create(
          aCi('ci-1', {
            class: 'technical_service',
            supportGroup: 'network',
            asset: { assetTag: 'AT-1', warrantyUntil: '2027-01-01' },
            service: { portfolioStatus: 'live', serviceHoursCalendarId: 'cal-1', availabilityTarget: null },
          }),
        );
        const { service: _dropped, ...rest } = v1;
        const v2 = nextCi(rest as Ci, { class: 'application', supportGroup: null, asset: {} });
        await store.putCi({ before: v1, after: v2, history: anEntry(v2), warrantyNoticeAt: null });
        expect(await store.getCi(v1.id)).toEqual(v2);
        expect((await listIds({ supportGroup: 'network' })).ids).toEqual([]);
        expect((await listIds({ services: true })).ids).toEqual([]);
        expect((await listIds({ warrantyBefore: '2099-01-01' })).ids).toEqual([]);
        expect((await listIds({ classes: ['technical_service'] })).ids).toEqual([]);
        expect((await listIds({ classes: ['application'] })).ids).toEqual([v1.id]);
      });

      it('getCis reads a batch, leaving out the missing; none asked, none read', async () => {
        for (const id of ['ci-1', 'ci-2', 'ci-3']) await create(aCi(id));
        const found = await store.getCis(['ci-3', 'ci-404', 'ci-1', 'ci-3']);
        expect([...found.keys()].sort()).toEqual(['ci-1', 'ci-3']);
        expect(found.get('ci-1')).toEqual(aCi('ci-1'));
        expect((await store.getCis([])).size).toBe(0);
      });

      it('getCis reads more than one batch of 100', async () => {
        await create(aCi('ci-001'));
        await create(aCi('ci-150'));
        const ids = Array.from({ length: 160 }, (_, i) => `ci-${String(i + 1).padStart(3, '0')}`);
        expect([...(await store.getCis(ids)).keys()].sort()).toEqual(['ci-001', 'ci-150']);
      });
    });

    describe('claims', () => {
      it('an identifier is held by one CI; another claiming it is a ClaimTakenError naming the holder, and writes nothing', async () => {
        await create(aCi('ci-a', { identifiers: ['host-a', 'serial-1'] }));
        expect(await store.ciByIdentifier('serial-1')).toBe('ci-a');
        expect(await store.ciByIdentifier('host-a')).toBe('ci-a');
        expect(await store.ciByIdentifier('nobody')).toBeUndefined();

        const b = aCi('ci-b', { identifiers: ['host-b', 'serial-1'] });
        const error = await failure(create(b));
        expect(error).toBeInstanceOf(ClaimTakenError);
        expect(error).toMatchObject({ claim: 'identifier', value: 'serial-1', heldBy: 'ci-a' });
        expect(await store.getCi('ci-b')).toBeUndefined();
        expect(await store.ciByIdentifier('host-b')).toBeUndefined();
        expect(await historyOf('ci-b')).toEqual([]);
      });

      it('an update claiming a held identifier is refused too, leaving the CI as it was', async () => {
        await create(aCi('ci-a', { identifiers: ['serial-1'] }));
        const b1 = await create(aCi('ci-b'));
        const b2 = nextCi(b1, { identifiers: ['serial-1'] });
        const error = await failure(
          store.putCi({ before: b1, after: b2, history: anEntry(b2), warrantyNoticeAt: null }),
        );
        expect(error).toMatchObject({ claim: 'identifier', value: 'serial-1', heldBy: 'ci-a' });
        expect(await store.getCi('ci-b')).toEqual(b1);
      });

      it('an identifier given up on update can be claimed by another CI', async () => {
        const a1 = await create(aCi('ci-a', { identifiers: ['host-a', 'serial-1'] }));
        await update(a1, { identifiers: ['host-a'] });
        expect(await store.ciByIdentifier('serial-1')).toBeUndefined();
        expect(await store.ciByIdentifier('host-a')).toBe('ci-a');
        await create(aCi('ci-b', { identifiers: ['serial-1'] }));
        expect(await store.ciByIdentifier('serial-1')).toBe('ci-b');
      });

      it('a CI may put its own identifiers again, even when the version read did not list them', async () => {
        const a1 = await create(aCi('ci-a', { identifiers: ['host-a'] }));
        const a2 = await update(a1, { identifiers: ['host-a', 'serial-1'] });
        const a3 = nextCi(a2, { name: 'renamed' });
        await store.putCi({
          before: { ...a2, identifiers: [] },
          after: a3,
          history: anEntry(a3),
          warrantyNoticeAt: null,
        });
        expect(await store.getCi('ci-a')).toEqual(a3);
        expect(await store.ciByIdentifier('serial-1')).toBe('ci-a');
      });

      it('an asset tag is held by one CI; giving it up lets another take it', async () => {
        const a1 = await create(aCi('ci-a', { asset: { assetTag: 'AT-1' } }));
        const error = await failure(create(aCi('ci-b', { asset: { assetTag: 'AT-1' } })));
        expect(error).toBeInstanceOf(ClaimTakenError);
        expect(error).toMatchObject({ claim: 'assetTag', value: 'AT-1', heldBy: 'ci-a' });
        // Identifiers and asset tags are claimed apart: the same value in each is no clash.
        await create(aCi('ci-c', { identifiers: ['AT-1'] }));
        await update(a1, { asset: { assetTag: 'AT-2' } });
        await create(aCi('ci-b', { asset: { assetTag: 'AT-1' } }));
        expect((await store.getCi('ci-b'))?.asset.assetTag).toBe('AT-1');
        const error2 = await failure(create(aCi('ci-d', { asset: { assetTag: 'AT-2' } })));
        expect(error2).toMatchObject({ claim: 'assetTag', value: 'AT-2', heldBy: 'ci-a' });
      });
    });

    describe('listCis', () => {
      it('lists every CI by id, page by page', async () => {
        for (const id of ['ci-3', 'ci-1', 'ci-5', 'ci-2', 'ci-4']) await create(aCi(id));
        await store.putClass(aClass('rack'), 0);
        const { ids, pages } = await listIds({}, 2);
        expect(ids).toEqual(['ci-1', 'ci-2', 'ci-3', 'ci-4', 'ci-5']);
        expect(pages).toEqual([['ci-1', 'ci-2'], ['ci-3', 'ci-4'], ['ci-5']]);
      });

      it('classes: two partitions merged in id order across pages', async () => {
        await create(aCi('ci-01', { class: 'server' }));
        await create(aCi('ci-02', { class: 'database' }));
        await create(aCi('ci-03', { class: 'server' }));
        await create(aCi('ci-04', { class: 'database' }));
        await create(aCi('ci-05', { class: 'server' }));
        await create(aCi('ci-06', { class: 'application' }));
        const { ids, pages } = await listIds({ classes: ['server', 'database'] }, 2);
        expect(ids).toEqual(['ci-01', 'ci-02', 'ci-03', 'ci-04', 'ci-05']);
        expect(pages.every((page) => page.length <= 2)).toBe(true);
        expect(pages).toEqual([['ci-01', 'ci-02'], ['ci-03', 'ci-04'], ['ci-05']]);
        expect((await listIds({ classes: ['application'] })).ids).toEqual(['ci-06']);
        expect((await listIds({ classes: ['server', 'database'], status: 'retired' })).ids).toEqual([]);
      });

      it('status, environment and support group, each narrowed by the others', async () => {
        await create(aCi('ci-1', { status: 'maintenance', environment: 'staging', supportGroup: 'network' }));
        await create(aCi('ci-2', { status: 'active', environment: 'staging', supportGroup: 'database' }));
        await create(
          aCi('ci-3', { status: 'maintenance', environment: 'production', supportGroup: 'network' }),
        );
        await create(aCi('ci-4', { status: 'retired', environment: 'test' }));
        expect((await listIds({ status: 'maintenance' })).ids).toEqual(['ci-1', 'ci-3']);
        expect((await listIds({ status: 'retired' })).ids).toEqual(['ci-4']);
        expect((await listIds({ environment: 'staging' })).ids).toEqual(['ci-1', 'ci-2']);
        expect((await listIds({ supportGroup: 'network' })).ids).toEqual(['ci-1', 'ci-3']);
        expect((await listIds({ status: 'maintenance', environment: 'staging' })).ids).toEqual(['ci-1']);
        expect((await listIds({ supportGroup: 'network', environment: 'production' })).ids).toEqual(['ci-3']);
        expect((await listIds({ environment: 'development' })).ids).toEqual([]);
      });

      it('warrantyBefore: strictly before the date, soonest first', async () => {
        await create(aCi('ci-1', { asset: { warrantyUntil: '2027-03-01' } }));
        await create(aCi('ci-2', { asset: { warrantyUntil: '2027-01-15' } }));
        await create(aCi('ci-3', { asset: { warrantyUntil: '2026-12-01' } }));
        await create(aCi('ci-4'));
        await create(aCi('ci-5', { asset: { warrantyUntil: '2027-01-15' }, status: 'retired' }));
        expect((await listIds({ warrantyBefore: '2027-03-01' })).ids).toEqual(['ci-3', 'ci-2', 'ci-5']);
        expect((await listIds({ warrantyBefore: '2027-03-02' }, 2)).ids).toEqual([
          'ci-3',
          'ci-2',
          'ci-5',
          'ci-1',
        ]);
        expect((await listIds({ warrantyBefore: '2027-03-01', status: 'active' })).ids).toEqual([
          'ci-3',
          'ci-2',
        ]);
        expect((await listIds({ warrantyBefore: '2026-12-01' })).ids).toEqual([]);
      });

      it('services, by portfolio status', async () => {
        const live = {
          portfolioStatus: 'live',
          serviceHoursCalendarId: 'cal',
          availabilityTarget: null,
        } as const;
        await create(aCi('svc-1', { class: 'business_service', service: live }));
        await create(
          aCi('svc-2', { class: 'technical_service', service: { ...live, portfolioStatus: 'pipeline' } }),
        );
        await create(aCi('svc-3', { class: 'technical_service', service: live, environment: 'staging' }));
        await create(aCi('ci-1'));
        expect((await listIds({ services: true })).ids).toEqual(['svc-1', 'svc-2', 'svc-3']);
        expect((await listIds({ services: true, portfolioStatus: 'live' })).ids).toEqual(['svc-1', 'svc-3']);
        expect((await listIds({ portfolioStatus: 'pipeline' })).ids).toEqual(['svc-2']);
        expect((await listIds({ services: true, environment: 'staging' })).ids).toEqual(['svc-3']);
      });
    });

    describe('history', () => {
      it('lists a CI’s entries oldest first, its events as written, and nobody else’s', async () => {
        const v1 = await create(aCi('ci-1'));
        await create(aCi('ci-2'));
        const v2 = nextCi(v1, { status: 'maintenance' });
        const changes = [{ field: 'status', from: 'active', to: 'maintenance' }];
        const entry = anEntry(v2, 'updated', v2.updatedAt, {
          changes,
          events: [
            { detailType: 'CI Updated', detail: { ciId: v1.id, changes } },
            { detailType: 'CI Status Changed', detail: { ciId: v1.id, from: 'active', to: 'maintenance' } },
          ],
        });
        await store.putCi({ before: v1, after: v2, history: entry, warrantyNoticeAt: null });
        const v3 = await update(v2, { name: 'later' });
        const history = await historyOf(v1.id);
        expect(history.map((h) => h.action)).toEqual(['created', 'updated', 'updated']);
        expect(history[1]).toEqual(entry);
        expect(history[2]?.at).toBe(v3.updatedAt);
        const paged = await allPages((startKey) => store.listHistory(v1.id, { limit: 1, startKey }));
        expect(paged.items).toEqual(history);
        expect((await historyOf('ci-2')).map((h) => h.recordId)).toEqual(['ci-2']);
      });
    });

    describe('relationships', () => {
      it('stores both sides, each listed from its CI with its label and direction, with a history entry each', async () => {
        const app = await create(aCi('app', { class: 'application' }));
        const db = await create(aCi('db', { class: 'database' }));
        const write = aRelationshipWrite(app, 'depends_on', db);
        expect(await store.addRelationship(write)).toBe(true);
        const stored = { createdAt: write.relationship.createdAt, createdBy: 'ann' };
        expect(await relationshipsOf('app')).toEqual([
          { type: 'depends_on', label: 'depends_on', direction: 'out', ciId: 'db', ...stored },
        ]);
        expect(await relationshipsOf('db')).toEqual([
          { type: 'depends_on', label: 'used_by', direction: 'in', ciId: 'app', ...stored },
        ]);
        expect(await store.getRelationship('app', 'depends_on', 'out', 'db')).toEqual({
          type: 'depends_on',
          label: 'depends_on',
          direction: 'out',
          ciId: 'db',
          ...stored,
        });
        expect(await store.getRelationship('db', 'depends_on', 'in', 'app')).toMatchObject({
          label: 'used_by',
        });
        expect(await store.getRelationship('app', 'depends_on', 'in', 'db')).toBeUndefined();
        expect(await historyOf('app')).toEqual([
          expect.objectContaining({ action: 'created' }),
          write.history[0],
        ]);
        expect(await historyOf('db')).toEqual([
          expect.objectContaining({ action: 'created' }),
          write.history[1],
        ]);
        // The CIs themselves are not versioned by it.
        expect(await store.getCi('app')).toEqual(app);
      });

      it('adding one that exists is false and writes nothing; removing is true, then false', async () => {
        const app = await create(aCi('app'));
        const db = await create(aCi('db'));
        expect(await relate(app, 'depends_on', db)).toBe(true);
        expect(await relate(app, 'depends_on', db)).toBe(false);
        expect(await relationshipsOf('app')).toHaveLength(1);
        expect((await historyOf('app')).map((h) => h.action)).toEqual(['created', 'relationship_added']);
        const nodes = await store.graph().nodes(['app']);
        expect(nodes.get('app')?.impactInDegree).toBe(1);

        const removal = aRelationshipWrite(app, 'depends_on', db, 'relationship_removed', at(40));
        expect(await store.removeRelationship(removal)).toBe(true);
        expect(await relationshipsOf('app')).toEqual([]);
        expect(await relationshipsOf('db')).toEqual([]);
        expect((await store.graph().nodes(['app'])).get('app')?.impactInDegree).toBe(0);
        expect((await historyOf('db')).map((h) => h.action)).toEqual([
          'created',
          'relationship_added',
          'relationship_removed',
        ]);
        expect(
          await store.removeRelationship(
            aRelationshipWrite(app, 'depends_on', db, 'relationship_removed', at(50)),
          ),
        ).toBe(false);
        expect((await historyOf('db')).map((h) => h.action)).toHaveLength(3);
        // Added again after the removal.
        expect(await relate(app, 'depends_on', db)).toBe(true);
      });

      it('lists by type and direction, and pages', async () => {
        const app = await create(aCi('app'));
        const db = await create(aCi('db'));
        const vm = await create(aCi('vm'));
        const web = await create(aCi('web'));
        await relate(app, 'depends_on', db);
        await relate(app, 'runs_on', vm);
        await relate(web, 'depends_on', app);
        await relate(app, 'connected_to', web);
        const all = await relationshipsOf('app');
        expect(all.map((r) => `${r.label}:${r.ciId}`).sort()).toEqual([
          'connected_to:web',
          'depends_on:db',
          'runs_on:vm',
          'used_by:web',
        ]);
        const deps = await allPages((startKey) =>
          store.listRelationships('app', { type: 'depends_on' }, { limit: 100, startKey }),
        );
        expect(deps.items.map((r) => `${r.direction}:${r.ciId}`).sort()).toEqual(['in:web', 'out:db']);
        const outs = await allPages((startKey) =>
          store.listRelationships('app', { direction: 'out' }, { limit: 100, startKey }),
        );
        expect(outs.items.map((r) => r.ciId).sort()).toEqual(['db', 'vm', 'web']);
        const paged = await allPages((startKey) =>
          store.listRelationships('app', {}, { limit: 1, startKey }),
        );
        expect(paged.items).toEqual(all);
      });

      it('a retired CI takes no new relationship, on either side, and nothing is written', async () => {
        const app = await create(aCi('app'));
        const old = await create(aCi('old', { status: 'retired' }));
        const error = await failure(relate(app, 'depends_on', old));
        expect(error).toBeInstanceOf(RelationshipRefusedError);
        expect((error as RelationshipRefusedError).refusal).toEqual({ kind: 'retired', ciId: 'old' });
        const error2 = await failure(relate(old, 'depends_on', app));
        expect((error2 as RelationshipRefusedError).refusal).toEqual({ kind: 'retired', ciId: 'old' });
        expect(await relationshipsOf('app')).toEqual([]);
        expect(await relationshipsOf('old')).toEqual([]);
        expect((await historyOf('app')).map((h) => h.action)).toEqual(['created']);
        expect((await store.graph().nodes(['app'])).get('app')?.impactInDegree).toBe(0);
      });

      it('a relationship to a CI that is gone is refused as changed', async () => {
        const app = await create(aCi('app'));
        const error = await failure(relate(app, 'depends_on', aCi('ghost')));
        expect((error as RelationshipRefusedError).refusal).toEqual({ kind: 'changed' });
        expect(await relationshipsOf('app')).toEqual([]);
      });

      it('contains: one container per CI, walked nearest first; removing it frees the CI', async () => {
        const room = await create(aCi('room'));
        const rack = await create(aCi('rack'));
        const rack2 = await create(aCi('rack2'));
        const server = await create(aCi('server'));
        expect(await relate(rack, 'contains', server)).toBe(true);
        expect(await relate(room, 'contains', rack)).toBe(true);
        expect(await store.containers('server', 5)).toEqual(['rack', 'room']);
        expect(await store.containers('server', 1)).toEqual(['rack']);
        expect(await store.containers('room', 5)).toEqual([]);
        expect((await relationshipsOf('server'))[0]).toMatchObject({ label: 'contained_by', ciId: 'rack' });

        const error = await failure(relate(rack2, 'contains', server));
        expect(error).toBeInstanceOf(RelationshipRefusedError);
        expect((error as RelationshipRefusedError).refusal).toEqual({
          kind: 'contained',
          containedBy: 'rack',
        });
        expect(await relationshipsOf('rack2')).toEqual([]);

        expect(
          await store.removeRelationship(
            aRelationshipWrite(rack, 'contains', server, 'relationship_removed', at(40)),
          ),
        ).toBe(true);
        expect(await store.containers('server', 5)).toEqual([]);
        expect(await relate(rack2, 'contains', server)).toBe(true);
        expect(await store.containers('server', 5)).toEqual(['rack2']);
      });

      // ~575 transactions: only where they are cheap (memory); the DynamoDB suite checks the same
      // condition with a counter set at the limit (cmdb-store.dynamodb.test.ts).
      if (options.bulk)
        it('a CI holds at most 500 relationships per direction', async () => {
          const hub = await create(aCi('hub'));
          const types: RelationshipType[] = [
            'depends_on',
            'runs_on',
            'hosted_on',
            'member_of',
            'connected_to',
            'backed_up_by',
            'contains',
          ];
          const targets: Ci[] = [];
          for (let i = 0; i < 72; i++) targets.push(await create(aCi(`t-${String(i).padStart(3, '0')}`)));
          let added = 0;
          for (const target of targets) {
            for (const type of types) {
              if (added === 500) break;
              expect(await relate(hub, type, target)).toBe(true);
              added += 1;
            }
          }
          const error = await failure(relate(hub, 'backed_up_by', targets[71]!));
          expect((error as RelationshipRefusedError).refusal).toEqual({ kind: 'limit', ciId: 'hub' });
          // The other direction has its own count.
          expect(await relate(targets[0]!, 'depends_on', hub)).toBe(true);
          expect(
            await store.removeRelationship(
              aRelationshipWrite(hub, 'depends_on', targets[0]!, 'relationship_removed'),
            ),
          ).toBe(true);
          expect(await relate(hub, 'backed_up_by', targets[71]!)).toBe(true);
        });

      it('a CI write keeps relationship counts, containment and closure', async () => {
        const app = await create(aCi('app', { class: 'application' }));
        const db = await create(aCi('db', { class: 'database' }));
        const node = await create(aCi('node'));
        const cluster = await create(
          aCi('cluster', { class: 'cluster', redundancy: { minUp: 1, unit: 'count' } }),
        );
        const rack = await create(aCi('rack'));
        await relate(app, 'depends_on', db);
        await relate(node, 'member_of', cluster);
        await relate(rack, 'contains', app);
        await store.applyServiceMembership(
          'svc-1',
          { added: ['app'], removed: [], truncated: false },
          at(60),
        );

        const app2 = await update(app, { name: 'App v2', criticality: 1 });
        const cluster2 = await update(cluster, { status: 'maintenance' });
        await update(db, { name: 'DB v2' });

        const nodes = await store.graph().nodes(['app', 'db', 'cluster', 'node', 'ghost']);
        expect(nodes.get('app')).toEqual({
          id: 'app',
          class: 'application',
          name: 'App v2',
          criticality: 1,
          status: 'active',
          redundancy: null,
          // depends_on db, and contained by the rack: failures of both arrive here.
          impactInDegree: 2,
          serviceFamily: false,
        });
        expect(nodes.get('db')?.impactInDegree).toBe(0);
        expect(nodes.get('cluster')).toMatchObject({
          status: 'maintenance',
          impactInDegree: 1,
          redundancy: { minUp: 1, unit: 'count' },
        });
        expect(nodes.get('node')?.impactInDegree).toBe(0);
        expect(nodes.has('ghost')).toBe(false);
        expect(await store.containers('app', 5)).toEqual(['rack']);
        expect(await store.getCi('app')).toEqual({
          ...app2,
          closure: { serviceIds: ['svc-1'], computedAt: at(60), truncated: false },
        });
        expect(await store.getCi('cluster')).toEqual(cluster2);
        // Another relationship after the CI writes still counts on.
        await relate(await create(aCi('cache')), 'depends_on', app2);
        const again = await relate(app2, 'depends_on', await create(aCi('queue')));
        expect(again).toBe(true);
        expect((await store.graph().nodes(['app'])).get('app')?.impactInDegree).toBe(3);
      });
    });

    describe('graph', () => {
      it('reads impact edges: depends_on target ⇒ source, member_of source ⇒ target, connected_to none', async () => {
        const app = await create(aCi('app'));
        const db = await create(aCi('db'));
        const node = await create(aCi('node'));
        const cluster = await create(aCi('cluster', { class: 'cluster' }));
        const svc = await create(
          aCi('svc', {
            class: 'business_service',
            service: { portfolioStatus: 'live', serviceHoursCalendarId: 'cal', availabilityTarget: null },
          }),
        );
        await relate(app, 'depends_on', db);
        await relate(node, 'member_of', cluster);
        await relate(app, 'connected_to', node);
        await relate(svc, 'depends_on', app);
        const graph = store.graph();

        const down = await graph.edges(['db', 'node', 'app'], 'downstream');
        expect(down.get('db')).toEqual([{ from: 'db', to: 'app', type: 'depends_on' }]);
        expect(down.get('node')).toEqual([{ from: 'node', to: 'cluster', type: 'member_of' }]);
        expect(down.get('app')).toEqual([{ from: 'app', to: 'svc', type: 'depends_on' }]);

        const up = await graph.edges(['app', 'cluster', 'db'], 'upstream');
        expect(up.get('app')).toEqual([{ from: 'db', to: 'app', type: 'depends_on' }]);
        expect(up.get('cluster')).toEqual([{ from: 'node', to: 'cluster', type: 'member_of' }]);
        expect(up.get('db') ?? []).toEqual([]);
        expect((await graph.edges(['cluster'], 'downstream')).get('cluster') ?? []).toEqual([]);

        const nodes = await graph.nodes(['svc', 'cluster']);
        expect(nodes.get('svc')).toMatchObject({ serviceFamily: true, impactInDegree: 1 });
        expect(nodes.get('cluster')).toMatchObject({
          serviceFamily: false,
          class: 'cluster',
          impactInDegree: 1,
        });
      });
    });

    describe('service membership', () => {
      it('adds and removes members, keeping each CI’s closure in step (sorted), without a version or history', async () => {
        const a = await create(aCi('ci-a'));
        await create(aCi('ci-b'));
        expect(await store.serviceMembers('svc-1')).toEqual(new Set());

        await store.applyServiceMembership(
          'svc-1',
          { added: ['ci-a', 'ci-b'], removed: [], truncated: false },
          at(10),
        );
        expect(await store.serviceMembers('svc-1')).toEqual(new Set(['ci-a', 'ci-b']));
        expect(await store.getCi('ci-a')).toEqual({
          ...a,
          closure: { serviceIds: ['svc-1'], computedAt: at(10), truncated: false },
        });

        await store.applyServiceMembership(
          'svc-0',
          { added: ['ci-a'], removed: [], truncated: true },
          at(11),
        );
        expect((await store.getCi('ci-a'))?.closure).toEqual({
          serviceIds: ['svc-0', 'svc-1'],
          computedAt: at(11),
          truncated: true,
        });
        expect(await store.serviceMembers('svc-0')).toEqual(new Set(['ci-a']));

        await store.applyServiceMembership(
          'svc-1',
          { added: [], removed: ['ci-a'], truncated: false },
          at(12),
        );
        expect(await store.serviceMembers('svc-1')).toEqual(new Set(['ci-b']));
        expect((await store.getCi('ci-a'))?.closure).toEqual({
          serviceIds: ['svc-0'],
          computedAt: at(12),
          truncated: false,
        });
        await store.applyServiceMembership(
          'svc-0',
          { added: [], removed: ['ci-a'], truncated: false },
          at(13),
        );
        expect((await store.getCi('ci-a'))?.closure).toEqual({
          serviceIds: [],
          computedAt: at(13),
          truncated: false,
        });
        expect(await store.serviceMembers('svc-0')).toEqual(new Set());

        expect((await store.getCi('ci-a'))?.version).toBe(1);
        expect((await historyOf('ci-a')).map((h) => h.action)).toEqual(['created']);
        // A CI write after it keeps the closure.
        await store.applyServiceMembership(
          'svc-2',
          { added: ['ci-a'], removed: [], truncated: false },
          at(14),
        );
        await update(a, { name: 'renamed' });
        expect((await store.getCi('ci-a'))?.closure.serviceIds).toEqual(['svc-2']);
      });

      it('applies more members than one transaction holds', async () => {
        const ids = Array.from({ length: 60 }, (_, i) => `ci-${String(i).padStart(2, '0')}`);
        for (const id of ids) await create(aCi(id));
        await store.applyServiceMembership('svc-1', { added: ids, removed: [], truncated: false }, at(10));
        expect([...(await store.serviceMembers('svc-1'))].sort()).toEqual(ids);
        const cis = await store.getCis(ids);
        expect([...cis.values()].every((ci) => ci.closure.serviceIds.join() === 'svc-1')).toBe(true);
      });
    });

    describe('classes', () => {
      it('creates at version 0, replaces the version given, and refuses anything else', async () => {
        expect(await store.getClass('rack')).toBeUndefined();
        const v1 = aClass('rack', {
          parent: 'hardware',
          attributesSchema: { type: 'object', properties: { u: { type: 'integer' } } },
        });
        await store.putClass(v1, 0);
        const read = await store.getClass('rack');
        expect(read).toEqual(v1);
        expect(Object.keys(read!).sort()).toEqual(Object.keys(v1).sort());

        const error = await failure(store.putClass(aClass('rack', { name: 'again' }), 0));
        expect(error).toBeInstanceOf(StaleWriteError);
        const v2 = { ...v1, name: 'Rack', version: 2, updatedAt: at(1) };
        await store.putClass(v2, 1);
        expect(await store.getClass('rack')).toEqual(v2);
        expect(await failure(store.putClass({ ...v2, version: 3 }, 1))).toBeInstanceOf(StaleWriteError);
        expect(await failure(store.putClass(aClass('ghost', { version: 2 }), 1))).toBeInstanceOf(
          StaleWriteError,
        );
        expect(await store.getClass('rack')).toEqual(v2);
      });

      it('lists every class by id, and no CI', async () => {
        for (const id of ['server', 'application', 'rack']) await store.putClass(aClass(id), 0);
        await create(aCi('ci-1'));
        expect((await store.listClasses()).map((c) => c.id)).toEqual(['application', 'rack', 'server']);
        expect((await listIds({})).ids).toEqual(['ci-1']);
      });
    });

    describe('warranty notices', () => {
      it('lists notices due at or before a time, earliest first', async () => {
        await create(aCi('ci-1', { asset: { warrantyUntil: '2027-02-01' } }), at(120));
        await create(aCi('ci-2', { asset: { warrantyUntil: '2027-01-01' } }), at(60));
        await create(aCi('ci-3', { asset: { warrantyUntil: '2027-03-01' } }), at(180));
        await create(aCi('ci-4'));
        expect(await warrantyDue(at(120))).toEqual([
          { ciId: 'ci-2', noticeAt: at(60) },
          { ciId: 'ci-1', noticeAt: at(120) },
        ]);
        expect(await warrantyDue(at(59))).toEqual([]);
        const paged = await allPages((startKey) => store.listWarrantyDue(at(500), { limit: 1, startKey }));
        expect(paged.items.map((due) => due.ciId)).toEqual(['ci-2', 'ci-1', 'ci-3']);
      });

      it('records a notice once: the entry written and the marker gone; again, or at another time, is false', async () => {
        await create(aCi('ci-1', { asset: { warrantyUntil: '2027-01-01' } }), at(60));
        await create(aCi('ci-2', { asset: { warrantyUntil: '2027-01-01' } }), at(60));
        const entry = anEntry('ci-1', 'warranty', at(61), {
          events: [
            { detailType: 'CI Warranty Expiring', detail: { ciId: 'ci-1', warrantyUntil: '2027-01-01' } },
          ],
        });
        expect(await store.recordWarrantyNotice({ ciId: 'ci-1', noticeAt: at(60) }, entry)).toBe(true);
        expect((await historyOf('ci-1')).at(-1)).toEqual(entry);
        expect(await warrantyDue(at(500))).toEqual([{ ciId: 'ci-2', noticeAt: at(60) }]);
        expect(
          await store.recordWarrantyNotice(
            { ciId: 'ci-1', noticeAt: at(60) },
            anEntry('ci-1', 'warranty', at(62)),
          ),
        ).toBe(false);
        expect((await historyOf('ci-1')).map((h) => h.action)).toEqual(['created', 'warranty']);
        expect(
          await store.recordWarrantyNotice(
            { ciId: 'ci-2', noticeAt: at(59) },
            anEntry('ci-2', 'warranty', at(62)),
          ),
        ).toBe(false);
        expect(await warrantyDue(at(500))).toEqual([{ ciId: 'ci-2', noticeAt: at(60) }]);
        expect((await historyOf('ci-2')).map((h) => h.action)).toEqual(['created']);
      });

      it('a CI write moves the marker, keeps it when it names none (undefined), and removes it with null', async () => {
        const v1 = await create(aCi('ci-1', { asset: { warrantyUntil: '2027-01-01' } }), at(60));
        const v2 = await update(v1, { name: 'kept' }, undefined);
        expect(await warrantyDue(at(500))).toEqual([{ ciId: 'ci-1', noticeAt: at(60) }]);
        const v3 = await update(v2, { asset: { warrantyUntil: '2027-02-01' } }, at(90));
        expect(await warrantyDue(at(500))).toEqual([{ ciId: 'ci-1', noticeAt: at(90) }]);
        await update(v3, { asset: {} }, null);
        expect(await warrantyDue(at(500))).toEqual([]);
        expect(
          await store.recordWarrantyNotice({ ciId: 'ci-1', noticeAt: at(90) }, anEntry('ci-1', 'warranty')),
        ).toBe(false);
      });
    });
  });
}
