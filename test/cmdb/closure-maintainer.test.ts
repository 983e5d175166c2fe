import { beforeEach, describe, expect, it } from 'vitest';
import { CLOSURE_DETAIL_TYPES } from '../../functions/cmdb/closure-maintainer.js';
import { admin, agent, at, type CmdbWorld, cmdbWorld } from './cmdb-world.js';

/**
 * The graph most tests start from (impact flows upwards):
 *
 *   orders (live business service)
 *     └ depends_on app ─ depends_on db ─ runs_on vm ─ hosted_on host
 *   lonely (unrelated server)
 */
describe('ClosureMaintainer', () => {
  let w: CmdbWorld;
  const members = async (serviceId: string) => [...(await w.store.serviceMembers(serviceId))].sort();

  beforeEach(async () => {
    w = await cmdbWorld();
    await w.putService('orders', { portfolioStatus: 'live' });
    await w.put('app', { class: 'application' });
    await w.put('db', { class: 'database' });
    await w.put('vm', { class: 'virtual_machine' });
    await w.put('host');
    await w.put('lonely');
    await w.relate('orders', 'depends_on', 'app');
    await w.relate('app', 'depends_on', 'db');
    await w.relate('db', 'runs_on', 'vm');
    await w.relate('vm', 'hosted_on', 'host');
  });

  it("makes a service's members its upstream set, each CI's closure naming the service", async () => {
    w.clock.advance(1);
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 4 });
    expect(await members('orders')).toEqual(['app', 'db', 'host', 'vm']);
    for (const id of ['app', 'db', 'vm', 'host']) {
      expect((await w.store.getCi(id))?.closure, id).toEqual({
        serviceIds: ['orders'],
        computedAt: at(1),
        truncated: false,
      });
    }
    expect(await w.closureOf('lonely')).toEqual([]);
    // The service is not its own member.
    expect(await w.closureOf('orders')).toEqual([]);
  });

  it('is bookkeeping: no history, no events, no version change', async () => {
    const before = await Promise.all(
      ['app', 'db'].map(async (id) => [(await w.history(id)).length, (await w.store.getCi(id))?.version]),
    );
    await w.publish();
    const after = await Promise.all(
      ['app', 'db'].map(async (id) => [(await w.history(id)).length, (await w.store.getCi(id))?.version]),
    );
    expect(after).toEqual(before);
  });

  it('changes nothing when an event is delivered again', async () => {
    const events = await w.pendingEvents();
    expect((await w.closures.onEvents(events)).changed).toBe(4);
    w.clock.advance(5);
    expect(await w.closures.onEvents(events)).toEqual({ services: ['orders'], changed: 0 });
    expect((await w.store.getCi('db'))?.closure).toEqual({
      serviceIds: ['orders'],
      computedAt: at(0),
      truncated: false,
    });
  });

  it('ignores events that change no membership', async () => {
    await w.publish();
    expect(
      await w.closures.onEvents([
        { detailType: 'CI Created', detail: { ciId: 'lonely' } },
        { detailType: 'CI Updated', detail: { ciId: 'db', changes: [] } },
        { detailType: 'CI Warranty Expiring', detail: { ciId: 'db' } },
      ]),
    ).toEqual({ services: [], changed: 0 });
    expect(CLOSURE_DETAIL_TYPES).toEqual([
      'CI Relationship Added',
      'CI Relationship Removed',
      'CI Status Changed',
      'Service Updated',
    ]);
  });

  it('takes the CIs below a removed relationship out of the service', async () => {
    await w.publish();
    await w.relationships.remove(agent, 'db', 'used_by', 'app');
    w.clock.advance(2);
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 3 });
    expect(await members('orders')).toEqual(['app']);
    expect(await w.closureOf('app')).toEqual(['orders']);
    for (const id of ['db', 'vm', 'host']) expect(await w.closureOf(id), id).toEqual([]);
    expect((await w.store.getCi('db'))?.closure.computedAt).toBe(at(2));
  });

  it('brings CIs in when a relationship is added below a service', async () => {
    await w.publish();
    await w.relate('lonely', 'contains', 'host');
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 1 });
    expect(await members('orders')).toEqual(['app', 'db', 'host', 'lonely', 'vm']);
    expect(await w.closureOf('lonely')).toEqual(['orders']);
  });

  it('follows a status change: a retired CI and what is only behind it leave, and return with it', async () => {
    await w.publish();
    await w.put('vm', { class: 'virtual_machine', status: 'retired' });
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 2 });
    expect(await members('orders')).toEqual(['app', 'db']);
    expect(await w.closureOf('vm')).toEqual([]);
    expect(await w.closureOf('host')).toEqual([]);
    await w.put('vm', { class: 'virtual_machine', status: 'active' }, admin);
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 2 });
    expect(await members('orders')).toEqual(['app', 'db', 'host', 'vm']);
    expect(await w.closureOf('host')).toEqual(['orders']);
  });

  it('empties a service that is retired from the portfolio', async () => {
    await w.publish();
    await w.putService('orders', { portfolioStatus: 'retired' });
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 4 });
    expect(await members('orders')).toEqual([]);
    for (const id of ['app', 'db', 'vm', 'host']) expect(await w.closureOf(id), id).toEqual([]);
  });

  it('empties a service whose CI is retired', async () => {
    await w.publish();
    await w.putService('orders', { portfolioStatus: 'live', status: 'retired' });
    expect(await w.publish()).toEqual({ services: ['orders'], changed: 4 });
    expect(await members('orders')).toEqual([]);
  });

  it('keeps every service a CI belongs to, sorted, and a service depending on a service', async () => {
    await w.putService('billing', { portfolioStatus: 'live' });
    await w.putService('customer-portal', { portfolioStatus: 'pipeline' });
    await w.relate('billing', 'depends_on', 'db');
    await w.relate('customer-portal', 'depends_on', 'orders');
    expect(await w.publish()).toEqual({ services: ['billing', 'customer-portal', 'orders'], changed: 12 });
    expect(await w.closureOf('db')).toEqual(['billing', 'customer-portal', 'orders']);
    expect(await w.closureOf('app')).toEqual(['customer-portal', 'orders']);
    expect(await w.closureOf('orders')).toEqual(['customer-portal']);
    expect(await members('customer-portal')).toEqual(['app', 'db', 'host', 'orders', 'vm']);
    // One service's removal leaves the others alone.
    await w.relationships.remove(agent, 'billing', 'depends_on', 'db');
    expect(await w.publish()).toEqual({ services: ['billing', 'customer-portal', 'orders'], changed: 3 });
    expect(await w.closureOf('db')).toEqual(['customer-portal', 'orders']);
    expect(await w.closureOf('host')).toEqual(['customer-portal', 'orders']);
  });

  it('ends where the graph is, whatever order the events arrive in', async () => {
    await w.publish();
    await w.relationships.remove(agent, 'app', 'depends_on', 'db');
    await w.relate('app', 'depends_on', 'db');
    await w.relationships.remove(agent, 'app', 'depends_on', 'db');
    const events = await w.pendingEvents();
    expect(events.map((e) => e.detailType)).toEqual([
      'CI Relationship Removed',
      'CI Relationship Added',
      'CI Relationship Removed',
    ]);
    // Newest first: the add arrives last, yet the relationship is gone.
    for (const event of [...events].reverse()) await w.closures.onEvents([event]);
    expect(await members('orders')).toEqual(['app']);
    expect(await w.closureOf('db')).toEqual([]);
  });

  it('recompute takes CI ids directly', async () => {
    expect(await w.closures.recompute(['host'])).toEqual({ services: ['orders'], changed: 4 });
    expect(await w.closures.recompute(['lonely'])).toEqual({ services: [], changed: 0 });
    expect(await w.closures.recompute(['ghost'])).toEqual({ services: [], changed: 0 });
  });

  it('adds what a new edge brings from that edge alone, and an added edge already removed adds nothing', async () => {
    await w.publish();
    await w.put('disk', { class: 'storage_device' });
    await w.relate('host', 'depends_on', 'disk');
    const relationshipEvents = async () =>
      (await w.pendingEvents()).filter((event) => event.detailType.startsWith('CI Relationship'));
    const [added] = await relationshipEvents();
    expect(added?.detailType).toBe('CI Relationship Added');
    expect(await w.closures.onEvents([added!])).toEqual({ services: ['orders'], changed: 1 });
    expect(await members('orders')).toEqual(['app', 'db', 'disk', 'host', 'vm']);

    // Added and removed again, the removal's event handled first: the late add must not bring it back.
    await w.put('nic', { class: 'network_device' });
    await w.relate('host', 'depends_on', 'nic');
    await w.relationships.remove(agent, 'host', 'depends_on', 'nic');
    const [late, removal] = await relationshipEvents();
    expect([late?.detailType, removal?.detailType]).toEqual([
      'CI Relationship Added',
      'CI Relationship Removed',
    ]);
    await w.closures.onEvents([removal!]);
    expect(await w.closures.onEvents([late!])).toEqual({ services: [], changed: 0 });
    expect(await members('orders')).not.toContain('nic');
  });
});
