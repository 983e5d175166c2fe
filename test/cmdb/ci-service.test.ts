import { beforeEach, describe, expect, it } from 'vitest';
import type { CiWrite } from '../../functions/cmdb/store/cmdb-store.js';
import { InMemoryCmdbStore } from '../../functions/cmdb/store/in-memory-cmdb-store.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../functions/shared/errors.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { admin, agent, at, type CmdbWorld, ciInput, cmdbWorld, problem, rejection } from './cmdb-world.js';

describe('CiService.put', () => {
  let w: CmdbWorld;
  beforeEach(async () => {
    w = await cmdbWorld();
  });

  it('creates a CI at version 1 with an empty closure and records `CI Created`', async () => {
    const { ci, created } = await w.cis.put(agent, 'web-01', ciInput({ name: 'Web 01' }), undefined);
    expect(created).toBe(true);
    expect(ci).toEqual({
      ...ciInput({ name: 'Web 01' }),
      id: 'web-01',
      closure: { serviceIds: [], computedAt: null, truncated: false },
      version: 1,
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(await w.store.getCi('web-01')).toEqual(ci);
    expect(await w.cis.get('web-01')).toEqual(ci);
    const history = await w.history('web-01');
    expect(history).toEqual([
      {
        id: expect.any(String),
        recordId: 'web-01',
        at: at(0),
        actor: { id: 'ann', name: 'Ann' },
        action: 'created',
        changes: [],
        events: [
          {
            detailType: 'CI Created',
            detail: { ciId: 'web-01', class: 'server', name: 'Web 01', status: 'active', created: true },
          },
        ],
      },
    ]);
  });

  it('replaces a CI one version on, keeping createdAt, and records the changed fields', async () => {
    await w.put('web-01', { name: 'Web 01' });
    w.clock.advance(5);
    const { ci, created } = await w.cis.put(
      agent,
      'web-01',
      ciInput({ name: 'Web one', status: 'maintenance', supportGroup: 'network' }),
      1,
    );
    expect(created).toBe(false);
    expect(ci).toMatchObject({
      name: 'Web one',
      status: 'maintenance',
      version: 2,
      createdAt: at(0),
      updatedAt: at(5),
    });
    const [, updated] = await w.history('web-01');
    const changes = [
      { field: 'name', from: 'Web 01', to: 'Web one' },
      { field: 'status', from: 'active', to: 'maintenance' },
      { field: 'supportGroup', from: null, to: 'network' },
    ];
    expect(updated).toMatchObject({ action: 'updated', at: at(5), changes });
    expect(updated?.events).toEqual([
      { detailType: 'CI Updated', detail: { ciId: 'web-01', changes } },
      { detailType: 'CI Status Changed', detail: { ciId: 'web-01', from: 'active', to: 'maintenance' } },
    ]);
  });

  it('answers a PUT that changes nothing with the same version and writes no history', async () => {
    const first = await w.put('web-01', {
      name: 'Web 01',
      asset: { vendor: 'Dell' },
      identifiers: ['dns:web01'],
    });
    w.clock.advance(10);
    const again = await w.cis.put(
      agent,
      'web-01',
      ciInput({ name: 'Web 01', asset: { vendor: 'Dell' }, identifiers: ['dns:web01'] }),
      1,
    );
    expect(again.created).toBe(false);
    expect(again.ci).toEqual(first);
    expect(again.ci.version).toBe(1);
    expect(again.ci.updatedAt).toBe(at(0));
    // Without If-Match too, and by an admin.
    const third = await w.cis.put(
      admin,
      'web-01',
      ciInput({ name: 'Web 01', asset: { vendor: 'Dell' }, identifiers: ['dns:web01'] }),
      undefined,
    );
    expect(third.ci.version).toBe(1);
    expect(await w.history('web-01')).toHaveLength(1);
    expect((await w.store.getCi('web-01'))?.version).toBe(1);
  });

  it('refuses a stale If-Match with 412 and the current version, writing nothing', async () => {
    await w.put('web-01', { name: 'Web 01' });
    await w.put('web-01', { name: 'Web 02' });
    const stale = await rejection(w.cis.put(agent, 'web-01', ciInput({ name: 'Web 03' }), 1));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(problem(stale)).toEqual({ status: 412, code: 'stale_version', currentVersion: 2 });
    const absent = await rejection(w.cis.put(agent, 'web-99', ciInput(), 1));
    expect(problem(absent)).toEqual({ status: 412, code: 'stale_version', currentVersion: 0 });
    expect((await w.store.getCi('web-01'))?.name).toBe('Web 02');
    expect(await w.store.getCi('web-99')).toBeUndefined();
    expect(await w.history('web-01')).toHaveLength(2);
  });

  it('re-applies a PUT without If-Match that lost a race, and refuses one with it (412)', async () => {
    const racing = new RacingStore();
    const r = await cmdbWorld({ store: racing });
    await r.put('web-01', { name: 'Web 01' });
    // Another writer lands between our read and our write.
    racing.beforeNextPut = () => r.put('web-01', { name: 'Theirs', criticality: 1 });
    const { ci } = await r.cis.put(agent, 'web-01', ciInput({ name: 'Ours' }), undefined);
    expect(ci).toMatchObject({ name: 'Ours', criticality: 3, version: 3 });
    expect((await r.history('web-01')).map((e) => e.changes.map((c) => c.field))).toEqual([
      [],
      ['name', 'criticality'],
      ['name', 'criticality'],
    ]);
    racing.beforeNextPut = () => r.put('web-01', { name: 'Theirs again' });
    const lost = await rejection(r.cis.put(agent, 'web-01', ciInput({ name: 'Mine' }), 3));
    expect(problem(lost)).toEqual({ status: 412, code: 'stale_version', currentVersion: 4 });
    expect((await r.store.getCi('web-01'))?.name).toBe('Theirs again');
  });

  describe('lifecycle', () => {
    it('creates in any status but retired; a retired create is 409 and stores nothing', async () => {
      for (const status of ['planned', 'ordered', 'in_stock', 'active', 'maintenance'] as const)
        expect((await w.put(`ci-${status}`, { status })).status).toBe(status);
      const refused = await rejection(w.cis.put(admin, 'old', ciInput({ status: 'retired' }), undefined));
      expect(refused).toBeInstanceOf(ConflictError);
      expect(problem(refused)).toEqual({
        status: 409,
        code: 'invalid_transition',
        to: 'retired',
        allowed: ['planned', 'ordered', 'in_stock', 'active', 'maintenance'],
      });
      expect(await w.store.getCi('old')).toBeUndefined();
      expect(await w.history('old')).toEqual([]);
    });

    it('walks planned → ordered → in_stock → active ⇄ maintenance → retired', async () => {
      await w.put('srv', { status: 'planned' });
      for (const status of ['ordered', 'in_stock', 'active', 'maintenance', 'active', 'retired'] as const)
        expect((await w.put('srv', { status })).status).toBe(status);
      const moves = (await w.history('srv'))
        .flatMap((e) => e.events)
        .filter((e) => e.detailType === 'CI Status Changed')
        .map((e) => `${e.detail.from}>${e.detail.to}`);
      expect(moves).toEqual([
        'planned>ordered',
        'ordered>in_stock',
        'in_stock>active',
        'active>maintenance',
        'maintenance>active',
        'active>retired',
      ]);
    });

    it('refuses a backward move with the allowed ones, leaving the CI as it was', async () => {
      await w.put('srv', { status: 'active' });
      const refused = await rejection(w.cis.put(agent, 'srv', ciInput({ status: 'in_stock' }), undefined));
      expect(problem(refused)).toEqual({
        status: 409,
        code: 'invalid_transition',
        from: 'active',
        to: 'in_stock',
        allowed: ['maintenance', 'retired'],
      });
      expect(await w.store.getCi('srv')).toMatchObject({ status: 'active', version: 1 });
    });

    it('lets only an admin bring a retired CI back, to any status', async () => {
      await w.put('srv');
      await w.put('srv', { status: 'retired' });
      const refused = await rejection(w.cis.put(agent, 'srv', ciInput({ status: 'active' }), undefined));
      expect(problem(refused)).toEqual({
        status: 409,
        code: 'invalid_transition',
        from: 'retired',
        to: 'active',
        allowed: [],
      });
      // Editing a retired CI without leaving retired is no move.
      expect((await w.put('srv', { status: 'retired', description: 'gone' })).version).toBe(3);
      const back = await w.cis.put(admin, 'srv', ciInput({ status: 'planned' }), undefined);
      expect(back.ci).toMatchObject({ status: 'planned', version: 4 });
      const last = (await w.history('srv')).at(-1);
      expect(last?.actor).toEqual({ id: 'ada', name: 'Ada' });
      expect(last?.events.at(-1)).toEqual({
        detailType: 'CI Status Changed',
        detail: { ciId: 'srv', from: 'retired', to: 'planned' },
      });
    });
  });

  describe('classes', () => {
    it('refuses an unknown, abstract or service class at `class`', async () => {
      const cases = [
        ['nope', 'unknown class nope'],
        ['hardware', 'hardware is abstract'],
        ['software', 'software is abstract'],
        ['business_service', 'service classes are written through PUT /services/{id}'],
        ['technical_service', 'service classes are written through PUT /services/{id}'],
      ] as const;
      for (const [cls, message] of cases) {
        const refused = await rejection(w.cis.put(agent, 'x', ciInput({ class: cls }), undefined));
        expect(refused, cls).toBeInstanceOf(ValidationError);
        expect(problem(refused), cls).toEqual({
          status: 400,
          code: 'validation_error',
          errors: [{ path: 'class', message }],
        });
      }
      expect(await w.store.getCi('x')).toBeUndefined();
    });

    it('refuses to write a service through the CI path', async () => {
      await w.putService('orders');
      const refused = await rejection(w.cis.put(agent, 'orders', ciInput({ class: 'server' }), undefined));
      expect(problem(refused)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'class', message: 'orders is a service: write it through PUT /services/orders' }],
      });
      expect((await w.store.getCi('orders'))?.class).toBe('business_service');
    });

    it("checks attributes against the class chain's schemas, at their paths", async () => {
      await w.classes.put(
        'network_appliance',
        {
          name: 'Network appliance',
          parent: 'network_device',
          abstract: true,
          attributesSchema: {
            type: 'object',
            properties: { ports: { type: 'integer' } },
            required: ['ports'],
          },
        },
        undefined,
      );
      await w.classes.put(
        'load_balancer',
        {
          name: 'Load balancer',
          parent: 'network_appliance',
          abstract: false,
          attributesSchema: {
            type: 'object',
            properties: { vip: { type: 'string', format: 'uuid' } },
            required: ['vip'],
          },
        },
        undefined,
      );
      const refused = await rejection(
        w.cis.put(agent, 'lb-1', ciInput({ class: 'load_balancer', attributes: { vip: 'x' } }), undefined),
      );
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).errors.map((e) => e.path).sort()).toEqual([
        'attributes.ports',
        'attributes.vip',
      ]);
      const { ci } = await w.cis.put(
        agent,
        'lb-1',
        ciInput({
          class: 'load_balancer',
          attributes: { vip: '8f14e45f-ceea-467f-a0e6-8f3c1e6c2b1a', ports: 48 },
        }),
        undefined,
      );
      expect(ci.attributes).toEqual({ vip: '8f14e45f-ceea-467f-a0e6-8f3c1e6c2b1a', ports: 48 });
    });
  });

  describe('groups', () => {
    it('refuses unknown owner and support groups at their paths', async () => {
      const refused = await rejection(
        w.cis.put(agent, 'x', ciInput({ ownerGroup: 'ghosts', supportGroup: 'phantoms' }), undefined),
      );
      expect(problem(refused)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [
          { path: 'ownerGroup', message: 'unknown group ghosts' },
          { path: 'supportGroup', message: 'unknown group phantoms' },
        ],
      });
      const one = await rejection(
        w.cis.put(agent, 'x', ciInput({ ownerGroup: 'network', supportGroup: 'phantoms' }), undefined),
      );
      expect((one as ValidationError).errors).toEqual([
        { path: 'supportGroup', message: 'unknown group phantoms' },
      ]);
      expect(await w.store.getCi('x')).toBeUndefined();
    });

    it('accepts the same group as owner and support group', async () => {
      const ci = await w.put('x', { ownerGroup: 'network', supportGroup: 'network' });
      expect(ci).toMatchObject({ ownerGroup: 'network', supportGroup: 'network', version: 1 });
    });
  });

  describe('identifiers and asset tags', () => {
    it('are unique across the CMDB: 409 naming the holder, nothing stored', async () => {
      await w.put('vm-1', {
        class: 'virtual_machine',
        identifiers: ['aws:ec2:i-1'],
        asset: { assetTag: 'T-1' },
      });
      const identifier = await rejection(
        w.cis.put(
          agent,
          'vm-2',
          ciInput({ class: 'virtual_machine', identifiers: ['aws:ec2:i-1'] }),
          undefined,
        ),
      );
      expect(problem(identifier)).toEqual({
        status: 409,
        code: 'identifier_taken',
        identifier: 'aws:ec2:i-1',
        ciId: 'vm-1',
      });
      const tag = await rejection(
        w.cis.put(agent, 'vm-2', ciInput({ asset: { assetTag: 'T-1' } }), undefined),
      );
      expect(problem(tag)).toEqual({ status: 409, code: 'asset_tag_taken', assetTag: 'T-1', ciId: 'vm-1' });
      expect(await w.store.getCi('vm-2')).toBeUndefined();
    });

    it('are released when their CI drops them', async () => {
      await w.put('vm-1', { identifiers: ['aws:ec2:i-1'], asset: { assetTag: 'T-1' } });
      await w.put('vm-1', { identifiers: [], asset: {} });
      const taken = await w.put('vm-2', { identifiers: ['aws:ec2:i-1'], asset: { assetTag: 'T-1' } });
      expect(taken.version).toBe(1);
      expect((await w.cis.list({ identifier: 'aws:ec2:i-1' }, { limit: 10 })).items.map((c) => c.id)).toEqual(
        ['vm-2'],
      );
    });
  });
});

describe('CiService reads', () => {
  let w: CmdbWorld;
  beforeEach(async () => {
    w = await cmdbWorld();
    await w.put('web-01', { class: 'server', identifiers: ['dns:web01'] });
    await w.put('sw-01', { class: 'network_device', status: 'maintenance' });
    await w.put('app-01', { class: 'application' });
    await w.put('db-01', { class: 'database', status: 'planned' });
  });

  it('get: 404 for an unknown CI', async () => {
    const missing = await rejection(w.cis.get('nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.code).toBe('not_found');
  });

  it('lists by class with its concrete subclasses, and narrows by the other filters', async () => {
    const ids = async (filter: Parameters<typeof w.cis.list>[0]) =>
      (await w.cis.list(filter, { limit: 100 })).items.map((c) => c.id);
    expect(await ids({ class: 'hardware' })).toEqual(['sw-01', 'web-01']);
    expect(await ids({ class: 'software' })).toEqual(['app-01', 'db-01']);
    expect(await ids({ class: 'database' })).toEqual(['db-01']);
    expect(await ids({ class: 'software', status: 'planned' })).toEqual(['db-01']);
    expect(await ids({ status: 'maintenance' })).toEqual(['sw-01']);
    expect(await ids({})).toEqual(['app-01', 'db-01', 'sw-01', 'web-01']);
  });

  it('refuses an unknown class filter at `class`', async () => {
    const refused = await rejection(w.cis.list({ class: 'nope' }, { limit: 10 }));
    expect(problem(refused)).toEqual({
      status: 400,
      code: 'validation_error',
      errors: [{ path: 'class', message: 'unknown class nope' }],
    });
  });

  it('finds the one CI holding an identifier, if it passes the other filters', async () => {
    expect((await w.cis.list({ identifier: 'dns:web01' }, { limit: 10 })).items.map((c) => c.id)).toEqual([
      'web-01',
    ]);
    expect((await w.cis.list({ identifier: 'dns:web01', class: 'software' }, { limit: 10 })).items).toEqual(
      [],
    );
    expect((await w.cis.list({ identifier: 'dns:web01', status: 'retired' }, { limit: 10 })).items).toEqual(
      [],
    );
    expect((await w.cis.list({ identifier: 'dns:nobody' }, { limit: 10 })).items).toEqual([]);
  });

  it('history: the entries in order; 404 for an unknown CI', async () => {
    await w.put('web-01', { name: 'Renamed', identifiers: ['dns:web01'] });
    const page = await w.cis.history('web-01', { limit: 10 });
    expect(page.items.map((e) => e.action)).toEqual(['created', 'updated']);
    expect(problem(await rejection(w.cis.history('nope', { limit: 10 })))).toEqual({
      status: 404,
      code: 'not_found',
    });
  });
});

/** A store on which another writer can land between a read and the next CI write. */
class RacingStore extends InMemoryCmdbStore {
  beforeNextPut: (() => Promise<unknown>) | undefined;

  constructor() {
    super(new InMemoryTable());
  }

  override async putCi(write: CiWrite): Promise<void> {
    const race = this.beforeNextPut;
    this.beforeNextPut = undefined;
    if (race) await race();
    return super.putCi(write);
  }
}
