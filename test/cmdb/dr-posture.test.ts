import { beforeEach, describe, expect, it } from 'vitest';
import {
  drCountDelta,
  drSortKey,
  drStateOf,
  inDrScope,
  newestEventTime,
  OUT_OF_SCOPE,
  sameDrState,
  touchedBy,
} from '../../functions/cmdb/dr-posture.js';
import { DrPostureMaintainer } from '../../functions/cmdb/dr-posture-maintainer.js';
import { DrPostureService } from '../../functions/cmdb/dr-posture-service.js';
import { InMemoryDrPostureStore } from '../../functions/cmdb/store/in-memory-dr-posture-store.js';
import { admin, agent, approver, at, type CmdbWorld, cmdbWorld, requester } from './cmdb-world.js';
import { aCi } from './store/cmdb-fixtures.js';

// Disaster-recovery posture (docs/reports.md#disaster-recovery-posture): the pure rules, then the
// maintainer and the report on the in-memory CMDB.
describe('DR posture rules', () => {
  it('scope: production, criticality 1-2, active or maintenance, not a service', () => {
    const critical = aCi('db', { criticality: 1 });
    expect(inDrScope(critical)).toBe(true);
    expect(inDrScope({ ...critical, criticality: 2, status: 'maintenance' })).toBe(true);
    expect(inDrScope({ ...critical, criticality: 3 })).toBe(false);
    expect(inDrScope({ ...critical, environment: 'staging' })).toBe(false);
    for (const status of ['planned', 'ordered', 'in_stock', 'retired'] as const)
      expect(inDrScope({ ...critical, status }), status).toBe(false);
    expect(inDrScope({ ...critical, class: 'business_service' })).toBe(false);
    expect(inDrScope({ ...critical, class: 'technical_service' })).toBe(false);
  });

  it('covered only by a backup target that exists and is not retired', () => {
    const db = aCi('db', { criticality: 1, owner: 'olga', supportGroup: 'dba' });
    const row = {
      id: 'db',
      name: 'CI db',
      class: 'server',
      criticality: 1,
      status: 'active',
      owner: 'olga',
      supportGroup: 'dba',
    };
    expect(drStateOf(db, [])).toEqual({ inScope: true, uncovered: row });
    expect(drStateOf(db, [undefined, aCi('vault', { status: 'retired' })])).toEqual({
      inScope: true,
      uncovered: row,
    });
    expect(drStateOf(db, [aCi('vault', { status: 'retired' }), aCi('tape', { status: 'in_stock' })])).toEqual(
      {
        inScope: true,
        uncovered: null,
      },
    );
    expect(drStateOf(undefined, [])).toEqual(OUT_OF_SCOPE);
    expect(drStateOf({ ...db, criticality: 4 }, [])).toEqual(OUT_OF_SCOPE);
    expect(drSortKey(row as never)).toBe('1#db');
    // A stored row may come back with its attributes in another order: still the same state.
    const reordered = Object.fromEntries(Object.entries(row).reverse()) as never;
    expect(
      sameDrState({ inScope: true, uncovered: row as never }, { inScope: true, uncovered: reordered }),
    ).toBe(true);
    expect(sameDrState({ inScope: true, uncovered: row as never }, { inScope: true, uncovered: null })).toBe(
      false,
    );
    expect(
      sameDrState(
        { inScope: true, uncovered: row as never },
        { inScope: true, uncovered: { ...row, name: 'x' } as never },
      ),
    ).toBe(false);
  });

  it('count deltas and the CIs an event touches', () => {
    const uncovered = drStateOf(aCi('a', { criticality: 1 }), []);
    const covered = { inScope: true, uncovered: null };
    expect(drCountDelta(OUT_OF_SCOPE, uncovered)).toEqual({ inScope: 1, uncovered: 1 });
    expect(drCountDelta(uncovered, covered)).toEqual({ inScope: 0, uncovered: -1 });
    expect(drCountDelta(covered, OUT_OF_SCOPE)).toEqual({ inScope: -1, uncovered: 0 });
    expect(
      touchedBy([
        { detailType: 'CI Created', detail: { ciId: 'a' } },
        { detailType: 'CI Relationship Added', detail: { source: 'b', type: 'backed_up_by', target: 'v' } },
        { detailType: 'CI Relationship Added', detail: { source: 'c', type: 'depends_on', target: 'd' } },
        { detailType: 'CI Status Changed', detail: { ciId: 'v', from: 'active', to: 'retired' } },
        { detailType: 'CI Updated', detail: { ciId: 'w', changes: [{ field: 'status' }] } },
        { detailType: 'CI Updated', detail: { ciId: 'x', changes: [{ field: 'name' }] } },
        { detailType: 'Ticket Created', detail: { ciId: 'nope' } },
      ]),
    ).toEqual({ ciIds: ['a', 'b', 'v', 'w', 'x'], backsUpOf: ['v', 'w'] });
    expect(
      newestEventTime([
        { detailType: 'x', detail: { at: at(2) } },
        { detailType: 'x', detail: { at: at(5) } },
      ]),
    ).toBe(at(5));
  });
});

describe('DR posture maintainer and report (in memory)', () => {
  let w: CmdbWorld;
  let store: InMemoryDrPostureStore;
  let maintainer: DrPostureMaintainer;
  let report: DrPostureService;
  /** The pending CMDB events, stamped as the outbox stamps them. */
  const publish = async (minute: number) => {
    const events = (await w.pendingEvents()).map((event) => ({
      ...event,
      detail: { ...event.detail, at: at(minute) },
    }));
    return { events, outcome: await maintainer.onEvents(events) };
  };
  const read = (limit = 25, startKey?: Record<string, unknown>) =>
    report.report(agent, { limit, ...(startKey ? { startKey } : {}) });

  beforeEach(async () => {
    w = await cmdbWorld();
    store = new InMemoryDrPostureStore(w.store.table);
    maintainer = new DrPostureMaintainer(w.store, store);
    report = new DrPostureService(store, { pointInTimeRecovery: true, deletionProtection: false });
    await w.put('db', { class: 'database', criticality: 1, owner: 'olga', supportGroup: 'dba' });
    await w.put('app', { class: 'application', criticality: 2 });
    await w.put('web', { criticality: 2, status: 'maintenance' });
    await w.put('vault', { class: 'storage_device', criticality: 3 });
    await w.put('test-db', { criticality: 1, environment: 'test' });
    await w.putService('shop', { criticality: 1 });
    await w.relate('app', 'backed_up_by', 'vault');
  });

  it('lists the uncovered in-scope CIs by criticality then id, with exact counts and freshness', async () => {
    const { outcome } = await publish(1);
    expect(outcome.changed).toBe(3);
    const result = await read();
    expect(result.page.items).toEqual([
      {
        id: 'db',
        name: 'CI db',
        class: 'database',
        criticality: 1,
        status: 'active',
        owner: 'olga',
        supportGroup: 'dba',
      },
      {
        id: 'web',
        name: 'CI web',
        class: 'server',
        criticality: 2,
        status: 'maintenance',
        owner: null,
        supportGroup: null,
      },
    ]);
    expect(result.counts).toEqual({ inScope: 3, uncovered: 2 });
    expect(result.freshness).toEqual({ asOf: at(1) });
    expect(result.table).toEqual({ pointInTimeRecovery: true, deletionProtection: false });
    // Pages follow the order; the cursor resumes after the last row.
    const first = await read(1);
    expect(first.page.items.map((item) => item.id)).toEqual(['db']);
    const second = await read(1, first.page.lastKey);
    expect(second.page.items.map((item) => item.id)).toEqual(['web']);
  });

  it('is idempotent: a redelivered event writes nothing and counts nothing twice', async () => {
    const { events } = await publish(1);
    expect(await maintainer.onEvents(events)).toEqual({ examined: 5, changed: 0 });
    expect(await maintainer.onEvents([...events, ...events])).toMatchObject({ changed: 0 });
    expect((await read()).counts).toEqual({ inScope: 3, uncovered: 2 });
    // An older event does not move freshness back.
    await maintainer.onEvents(events.map((event) => ({ ...event, detail: { ...event.detail, at: at(0) } })));
    expect((await read()).freshness.asOf).toBe(at(1));
  });

  it('follows backups added and removed, a backup target retired, and CI changes', async () => {
    await publish(1);
    await w.relate('db', 'backed_up_by', 'vault');
    await publish(2);
    expect((await read()).page.items.map((item) => item.id)).toEqual(['web']);
    // Retiring the vault uncovers everything it backed up.
    await w.put('vault', { class: 'storage_device', criticality: 3, status: 'retired' });
    await publish(3);
    expect((await read()).page.items.map((item) => item.id)).toEqual(['db', 'app', 'web']);
    expect((await read()).counts).toEqual({ inScope: 3, uncovered: 3 });
    // Criticality 2 → 1 moves the row; criticality 3 leaves scope; a rename shows.
    await w.put('web', { criticality: 1, status: 'maintenance', name: 'Web farm' });
    await w.put('app', { class: 'application', criticality: 3 });
    await publish(4);
    const now = await read();
    expect(now.page.items.map((item) => [item.id, item.name, item.criticality])).toEqual([
      ['db', 'CI db', 1],
      ['web', 'Web farm', 1],
    ]);
    expect(now.counts).toEqual({ inScope: 2, uncovered: 2 });
    expect(now.freshness.asOf).toBe(at(4));
    // A removed backup uncovers again (db has another in a new vault first).
    await w.put('vault2', { class: 'storage_device' });
    await w.relate('db', 'backed_up_by', 'vault2');
    await publish(5);
    expect((await read()).counts.uncovered).toBe(1);
    await w.relationships.remove(agent, 'db', 'backed_up_by', 'vault2');
    await publish(6);
    expect((await read()).counts).toEqual({ inScope: 2, uncovered: 2 });
  });

  it('a rebuild walks every CI and agrees with the event-kept state', async () => {
    await publish(1);
    const kept = await read();
    const fresh = new InMemoryDrPostureStore();
    const rebuilt = new DrPostureMaintainer(w.store, fresh);
    let page = await rebuilt.rebuildPage({ limit: 2 }, at(9));
    while (page.lastKey) page = await rebuilt.rebuildPage({ limit: 2, startKey: page.lastKey }, at(9));
    const again = await new DrPostureService(fresh, kept.table).report(agent, { limit: 25 });
    expect(again.page.items).toEqual(kept.page.items);
    expect(again.counts).toEqual(kept.counts);
  });

  it('agents, approvers and admins read it; requesters get 403', async () => {
    for (const who of [agent, approver, admin])
      await expect(report.report(who, { limit: 5 })).resolves.toBeDefined();
    await expect(report.report(requester, { limit: 5 })).rejects.toMatchObject({ status: 403 });
  });

  it('before any event: empty, zero counts, no freshness', async () => {
    expect(await read()).toMatchObject({
      page: { items: [] },
      counts: { inScope: 0, uncovered: 0 },
      freshness: { asOf: null },
    });
  });
});
