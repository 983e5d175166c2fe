import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/** The CMDB through the local API as agents, admins and requesters use it (docs/cmdb.md). */
describe('CMDB over HTTP', () => {
  let rt: LocalRuntime;
  let agent: ApiClient;
  let admin: ApiClient;
  let requester: ApiClient;

  const put = (id: string, body: Record<string, unknown>) => agent.request('PUT', `/cis/${id}`, { body });
  const relate = (id: string, type: string, target: string) =>
    agent.request('POST', `/cis/${id}/relationships`, { body: { type, target } });

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    admin = api(rt, { token: rt.adminToken });
    requester = api(rt, { token: rt.tokenFor('rita', ['requester']) });
  });
  afterAll(() => rt?.stop());

  it('creates a CI with defaults (201, Location, ETag), replaces it (200) and records both in history', async () => {
    const created = await put('web-01', { class: 'server', name: 'Web 01', asset: { assetTag: 'TAG-1' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/cis/web-01');
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.json).toMatchObject({
      id: 'web-01',
      status: 'active',
      environment: 'production',
      criticality: 3,
      closure: { serviceIds: [], computedAt: null, truncated: false },
      version: 1,
    });
    const replaced = await agent.request('PUT', '/cis/web-01', {
      body: { class: 'server', name: 'Web 01', status: 'maintenance', asset: { assetTag: 'TAG-1' } },
      headers: { 'if-match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.version).toBe(2);
    const stale = await agent.request('PUT', '/cis/web-01', {
      body: { class: 'server', name: 'Web 01 again' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const history = await agent.request('GET', '/cis/web-01/history');
    expect(history.json.items.map((e: { action: string }) => e.action)).toEqual(['created', 'updated']);
    expect(history.json.items[1].events.map((e: { detailType: string }) => e.detailType)).toEqual([
      'CI Updated',
      'CI Status Changed',
    ]);
  });

  it('refuses bad CI input with the path named; nothing is stored', async () => {
    const abstract = await put('bad-1', { class: 'hardware', name: 'x' });
    expect(abstract.status).toBe(400);
    expect(abstract.json.errors).toEqual([expect.objectContaining({ path: 'class' })]);
    const service = await put('bad-2', { class: 'business_service', name: 'x' });
    expect(service.status).toBe(400);
    const badDate = await put('bad-3', {
      class: 'server',
      name: 'x',
      asset: { warrantyUntil: '2027-02-30' },
    });
    expect(badDate.status).toBe(400);
    expect(badDate.json.errors[0].path).toBe('asset.warrantyUntil');
    const badCost = await put('bad-4', {
      class: 'server',
      name: 'x',
      asset: { cost: { amount: '1.234', currency: 'XXZ' } },
    });
    expect(badCost.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'asset.cost.amount',
      'asset.cost.currency',
    ]);
    const retired = await put('bad-5', { class: 'server', name: 'x', status: 'retired' });
    expect(retired.status).toBe(409);
    for (const id of ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5']) {
      expect((await agent.request('GET', `/cis/${id}`)).status).toBe(404);
    }
  });

  it('keeps identifiers and asset tags unique across the CMDB (409 naming the holder)', async () => {
    await put('i-1', { class: 'virtual_machine', name: 'VM 1', identifiers: ['aws:ec2:i-0001'] });
    const taken = await put('i-2', {
      class: 'virtual_machine',
      name: 'VM 2',
      identifiers: ['aws:ec2:i-0001'],
    });
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({ code: 'identifier_taken', identifier: 'aws:ec2:i-0001', ciId: 'i-1' });
    expect((await agent.request('GET', '/cis/i-2')).status).toBe(404);
    const tag = await put('i-3', { class: 'server', name: 'S', asset: { assetTag: 'TAG-1' } });
    expect(tag.json).toMatchObject({ code: 'asset_tag_taken', ciId: 'web-01' });
    const found = await agent.request('GET', '/cis?identifier=aws:ec2:i-0001');
    expect(found.json.items.map((c: { id: string }) => c.id)).toEqual(['i-1']);
  });

  it('lists by class with subclasses, status and warranty', async () => {
    await put('sw-1', { class: 'switch-less', name: 'x' }); // unknown class: refused
    await put('nd-1', {
      class: 'network_device',
      name: 'Core switch',
      asset: { warrantyUntil: '2027-01-10' },
    });
    await put('st-1', { class: 'storage_device', name: 'SAN', asset: { warrantyUntil: '2026-12-20' } });
    const hardware = await agent.request('GET', '/cis?class=hardware&limit=2');
    const next = await agent.request(
      'GET',
      `/cis?class=hardware&limit=2&cursor=${encodeURIComponent(hardware.json.nextCursor)}`,
    );
    const ids = [...hardware.json.items, ...next.json.items].map((c: { id: string }) => c.id);
    expect(ids).toEqual(['nd-1', 'st-1', 'web-01']);
    const warranty = await agent.request('GET', '/cis?warrantyBefore=2027-06-01');
    expect(warranty.json.items.map((c: { id: string }) => c.id)).toEqual(['st-1', 'nd-1']);
    const maintenance = await agent.request('GET', '/cis?status=maintenance');
    expect(maintenance.json.items.map((c: { id: string }) => c.id)).toEqual(['web-01']);
  });

  it('relates CIs both ways, idempotently, and removes them by type or reverse label', async () => {
    await put('app-1', { class: 'application', name: 'Payroll app' });
    await put('db-1', { class: 'database', name: 'Payroll DB' });
    const first = await relate('app-1', 'depends_on', 'db-1');
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      source: 'app-1',
      type: 'depends_on',
      target: 'db-1',
      createdBy: 'ann',
    });
    const again = await relate('app-1', 'depends_on', 'db-1');
    expect(again.status).toBe(200);
    expect(again.json.createdAt).toBe(first.json.createdAt);
    const fromDb = await agent.request('GET', '/cis/db-1/relationships');
    expect(fromDb.json.items).toEqual([
      expect.objectContaining({
        type: 'depends_on',
        label: 'used_by',
        direction: 'in',
        ciId: 'app-1',
        ciName: 'Payroll app',
      }),
    ]);
    expect((await relate('app-1', 'depends_on', 'app-1')).status).toBe(400);
    expect((await relate('app-1', 'likes', 'db-1')).json.errors[0].path).toBe('type');
    const unknown = await relate('app-1', 'depends_on', 'nope');
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({ code: 'unknown_ci', errors: [{ path: 'target' }] });
    expect((await relate('nope', 'depends_on', 'db-1')).status).toBe(404);

    await relate('app-1', 'runs_on', 'i-1');
    expect((await agent.request('DELETE', '/cis/i-1/relationships/runs/app-1')).status).toBe(204);
    expect((await agent.request('DELETE', '/cis/i-1/relationships/runs/app-1')).status).toBe(404);
    const history = await agent.request('GET', '/cis/i-1/history');
    expect(history.json.items.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'relationship_added',
      'relationship_removed',
    ]);
  });

  it('keeps containment a tree: one container, no cycles', async () => {
    await put('rack-1', { class: 'server', name: 'Rack 1' });
    await put('rack-2', { class: 'server', name: 'Rack 2' });
    await put('box-1', { class: 'server', name: 'Box 1' });
    expect((await relate('rack-1', 'contains', 'box-1')).status).toBe(201);
    const second = await relate('rack-2', 'contains', 'box-1');
    expect(second.json).toMatchObject({ status: 409, code: 'already_contained', containedBy: 'rack-1' });
    const cycle = await relate('box-1', 'contains', 'rack-1');
    expect(cycle.json).toMatchObject({ status: 409, code: 'containment_cycle' });
  });

  it('analyses impact downstream with redundancy, upstream, and for several failures together', async () => {
    await put('node-a', { class: 'server', name: 'Node A' });
    await put('node-b', { class: 'server', name: 'Node B' });
    await put('cluster-1', { class: 'cluster', name: 'DB cluster', redundancy: { minUp: 1, unit: 'count' } });
    await put('db-2', { class: 'database', name: 'Orders DB' });
    await put('app-2', { class: 'application', name: 'Orders app' });
    await relate('node-a', 'member_of', 'cluster-1');
    await relate('node-b', 'member_of', 'cluster-1');
    await relate('db-2', 'runs_on', 'cluster-1');
    await relate('app-2', 'depends_on', 'db-2');

    const one = await agent.request('GET', '/cis/node-a/impact');
    expect(one.json.nodes).toEqual([]);
    expect(one.json.absorbed).toEqual([{ id: 'cluster-1', impactedArrivals: 1, threshold: 1 }]);
    const noRedundancy = await agent.request('GET', '/cis/node-a/impact?redundancy=false');
    expect(noRedundancy.json.nodes.map((n: { id: string; level: number }) => [n.id, n.level])).toEqual([
      ['cluster-1', 1],
      ['db-2', 2],
      ['app-2', 3],
    ]);
    const both = await agent.request('POST', '/impact-analysis', { body: { down: ['node-a', 'node-b'] } });
    expect(both.json.nodes.map((n: { id: string }) => n.id)).toEqual(['cluster-1', 'db-2', 'app-2']);
    const shallow = await agent.request('POST', '/impact-analysis', {
      body: { down: ['node-a', 'node-b'], depth: 1 },
    });
    expect(shallow.json).toMatchObject({ depthLimitReached: true, truncated: false });
    const upstream = await agent.request('GET', '/cis/app-2/impact?direction=upstream');
    expect(upstream.json.nodes.map((n: { id: string }) => n.id)).toEqual([
      'db-2',
      'cluster-1',
      'node-a',
      'node-b',
    ]);
    const missing = await agent.request('POST', '/impact-analysis', { body: { down: ['node-a', 'ghost'] } });
    expect(missing.json).toMatchObject({ status: 422, code: 'unknown_ci', errors: [{ path: 'down.1' }] });
  });

  it('services: admins write them, closures follow relationships, requesters see live ones only', async () => {
    const pipeline = await admin.request('PUT', '/services/orders', {
      body: { class: 'business_service', name: 'Orders', owner: 'olga', supportGroup: 'service-desk' },
    });
    expect(pipeline.status).toBe(201);
    expect(pipeline.json).toMatchObject({
      portfolioStatus: 'pipeline',
      serviceHoursCalendarId: '24x7',
      slaPolicyIds: [],
    });
    expect((await agent.request('PUT', '/services/orders', { body: {} })).status).toBe(403);
    const deps = await agent.request('POST', '/services/orders/dependencies', {
      body: { ciIds: ['app-2', 'app-2'] },
    });
    expect(deps.json).toEqual({ added: ['app-2'], existing: [] });
    await rt.flushEvents();
    const db = await agent.request('GET', '/cis/node-a');
    expect(db.json.closure.serviceIds).toEqual(['orders']);
    expect(db.json.closure.computedAt).not.toBeNull();

    expect((await requester.request('GET', '/services/orders')).status).toBe(404);
    await admin.request('PUT', '/services/orders', {
      body: {
        class: 'business_service',
        name: 'Orders',
        owner: 'olga',
        supportGroup: 'service-desk',
        portfolioStatus: 'live',
      },
    });
    const seen = await requester.request('GET', '/services/orders');
    expect(seen.json).toEqual({ id: 'orders', name: 'Orders', description: '' });
    const listed = await requester.request('GET', '/services');
    expect(listed.json.items).toEqual([{ id: 'orders', name: 'Orders', description: '' }]);
    const back = await admin.request('PUT', '/services/orders', {
      body: {
        class: 'business_service',
        name: 'Orders',
        owner: 'olga',
        supportGroup: 'service-desk',
        portfolioStatus: 'pipeline',
      },
    });
    expect(back.json).toMatchObject({ status: 409, code: 'invalid_transition', allowed: ['retired'] });

    // Removing the edge takes the CIs below it out of the service.
    expect((await agent.request('DELETE', '/cis/db-2/relationships/used_by/app-2')).status).toBe(204);
    await rt.flushEvents();
    expect((await agent.request('GET', '/cis/node-a')).json.closure.serviceIds).toEqual([]);
    expect((await agent.request('GET', '/cis/app-2')).json.closure.serviceIds).toEqual(['orders']);
  });

  it('requesters get 403 on CMDB routes; approvers read', async () => {
    expect((await requester.request('GET', '/cis')).status).toBe(403);
    expect((await requester.request('GET', '/cis/web-01')).status).toBe(403);
    expect((await requester.request('PUT', '/cis/x', { body: {} })).status).toBe(403);
    const approver = api(rt, { token: rt.tokenFor('ava', ['approver']) });
    expect((await approver.request('GET', '/cis/web-01')).status).toBe(200);
    expect((await approver.request('PUT', '/cis/x', { body: { class: 'server', name: 'x' } })).status).toBe(
      403,
    );
  });

  it('classes: admins add subclasses whose schema CIs must satisfy; unsafe schemas are refused', async () => {
    const created = await admin.request('PUT', '/ci-classes/load_balancer', {
      body: {
        name: 'Load balancer',
        parent: 'network_device',
        attributesSchema: {
          type: 'object',
          properties: { vip: { type: 'string', format: 'uuid' } },
          required: ['vip'],
          additionalProperties: false,
        },
      },
    });
    expect(created.status).toBe(201);
    const bad = await put('lb-1', { class: 'load_balancer', name: 'LB', attributes: { extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'attributes.extra',
      'attributes.vip',
    ]);
    const ok = await put('lb-1', {
      class: 'load_balancer',
      name: 'LB',
      attributes: { vip: '8f14e45f-ceea-467f-a0e6-8f3c1e6c2b1a' },
    });
    expect(ok.status).toBe(201);
    const hardware = await agent.request('GET', '/cis?class=hardware&limit=100');
    expect(hardware.json.items.map((c: { id: string }) => c.id)).toContain('lb-1');
    const redos = await admin.request('PUT', '/ci-classes/evil', {
      body: {
        name: 'Evil',
        attributesSchema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } },
      },
    });
    expect(redos.status).toBe(400);
    expect(redos.json.errors[0].path).toBe('attributesSchema.properties.a.pattern');
    const remote = await admin.request('PUT', '/ci-classes/evil', {
      body: { name: 'Evil', attributesSchema: { type: 'object', $ref: 'https://example.com/s.json' } },
    });
    expect(remote.status).toBe(400);
    const cycle = await admin.request('PUT', '/ci-classes/hardware', {
      body: { name: 'Hardware', parent: 'load_balancer', abstract: true },
    });
    expect(cycle.json).toMatchObject({ status: 409, code: 'class_cycle' });
    expect((await agent.request('PUT', '/ci-classes/x', { body: { name: 'x' } })).status).toBe(403);
  });

  it('announces a warranty once, 30 days before it ends, from the sweeper', async () => {
    rt.clock.freeze(new Date('2027-03-01T08:00:00.000Z'));
    await put('wty-1', { class: 'server', name: 'Old box', asset: { warrantyUntil: '2027-03-20' } });
    await put('wty-2', { class: 'server', name: 'New box', asset: { warrantyUntil: '2027-09-30' } });
    // The first sweep also announces the warranties of earlier tests (nd-1, st-1) that are due.
    const first = await admin.request('POST', '/_local/sweep');
    expect(first.json.warrantyNotices).toBe(3);
    expect((await admin.request('POST', '/_local/sweep')).json.warrantyNotices).toBe(0);
    await rt.flushEvents();
    const events = await admin.request('GET', '/_local/events?detailType=CI%20Warranty%20Expiring');
    const announced = events.json.items.map((e: { detail: { ciId: string } }) => e.detail.ciId);
    expect(announced.sort()).toEqual(['nd-1', 'st-1', 'wty-1']);
    // Extended: re-armed, due again 30 days before the new date.
    await put('wty-1', { class: 'server', name: 'Old box', asset: { warrantyUntil: '2027-04-15' } });
    expect((await admin.request('POST', '/_local/sweep')).json.warrantyNotices).toBe(0);
    rt.clock.set(new Date('2027-03-16T00:00:00.000Z'));
    expect((await admin.request('POST', '/_local/sweep')).json.warrantyNotices).toBe(1);
    const history = await agent.request('GET', '/cis/wty-1/history');
    expect(history.json.items.filter((e: { action: string }) => e.action === 'warranty')).toHaveLength(2);
  });

  it('lists the fixed relationship types', async () => {
    const types = await agent.request('GET', '/ci-relationship-types');
    expect(types.json.items).toContainEqual(
      expect.objectContaining({ type: 'member_of', reverseLabel: 'has_member', impact: 'source_to_target' }),
    );
  });
});
