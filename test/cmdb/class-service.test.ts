import { beforeEach, describe, expect, it } from 'vitest';
import { ClassCatalogue } from '../../functions/cmdb/class-catalogue.js';
import { type CiClassInput, ClassService, seedClasses } from '../../functions/cmdb/class-service.js';
import { SEEDED_CLASSES } from '../../functions/cmdb/classes.js';
import { InMemoryCmdbStore } from '../../functions/cmdb/store/in-memory-cmdb-store.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { ConflictError, PreconditionFailedError, ValidationError } from '../../functions/shared/errors.js';
import { SchemaValidators } from '../../functions/shared/json-schema/compiled.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { agent, at, type CmdbWorld, ciInput, cmdbWorld, problem, rejection, T0 } from './cmdb-world.js';

const input = (fields: Partial<CiClassInput> = {}): CiClassInput => ({
  name: 'Load balancer',
  parent: 'network_device',
  abstract: false,
  attributesSchema: {},
  ...fields,
});

describe('seedClasses', () => {
  it('stores the fourteen classes every stack starts with, at version 1 with an empty schema', async () => {
    const store = new InMemoryCmdbStore(new InMemoryTable());
    const clock = new TestClock();
    clock.set(new Date(T0));
    await seedClasses(store, clock);
    const classes = (await store.listClasses()).sort((a, b) => a.id.localeCompare(b.id));
    expect(classes.map((c) => c.id)).toEqual([
      'application',
      'business_service',
      'cloud_resource',
      'cluster',
      'database',
      'hardware',
      'middleware',
      'network_device',
      'server',
      'software',
      'storage_device',
      'technical_service',
      'virtual_machine',
      'workstation',
    ]);
    expect(await store.getClass('server')).toEqual({
      id: 'server',
      name: 'Server',
      parent: 'hardware',
      abstract: false,
      attributesSchema: {},
      version: 1,
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(await store.getClass('hardware')).toMatchObject({ parent: null, abstract: true });
    expect(await store.getClass('software')).toMatchObject({ parent: null, abstract: true });
    expect(await store.getClass('business_service')).toMatchObject({ parent: null, abstract: false });
  });

  it('keeps classes already there (an admin may have changed them) and survives a concurrent seed', async () => {
    const store = new InMemoryCmdbStore(new InMemoryTable());
    const clock = new TestClock();
    clock.set(new Date(T0));
    await Promise.all([seedClasses(store, clock), seedClasses(store, clock)]);
    expect(await store.listClasses()).toHaveLength(SEEDED_CLASSES.length);
    const server = (await store.getClass('server'))!;
    await store.putClass({ ...server, name: 'Physical server', version: 2, updatedAt: at(5) }, 1);
    clock.advance(60);
    await seedClasses(store, clock);
    expect(await store.getClass('server')).toMatchObject({
      name: 'Physical server',
      version: 2,
      updatedAt: at(5),
    });
    expect(await store.getClass('cluster')).toMatchObject({ version: 1, createdAt: at(0) });
  });
});

describe('ClassService', () => {
  let w: CmdbWorld;
  beforeEach(async () => {
    w = await cmdbWorld();
  });

  it('lists the classes sorted by id', async () => {
    const ids = (await w.classes.list()).map((c) => c.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toHaveLength(14);
  });

  it('creates a subclass at version 1, replaces it one version on keeping createdAt', async () => {
    expect((await w.classes.list()).map((c) => c.id)).not.toContain('load_balancer');
    const created = await w.classes.put('load_balancer', input(), undefined);
    expect(created).toEqual({
      ciClass: {
        id: 'load_balancer',
        name: 'Load balancer',
        parent: 'network_device',
        abstract: false,
        attributesSchema: {},
        version: 1,
        createdAt: at(0),
        updatedAt: at(0),
      },
      created: true,
    });
    w.clock.advance(2);
    const replaced = await w.classes.put('load_balancer', input({ name: 'LB' }), 1);
    expect(replaced.created).toBe(false);
    expect(replaced.ciClass).toMatchObject({ name: 'LB', version: 2, createdAt: at(0), updatedAt: at(2) });
    expect(await w.store.getClass('load_balancer')).toEqual(replaced.ciClass);
    // Written through this container: listed at once, though the catalogue was read before.
    expect((await w.classes.list()).find((c) => c.id === 'load_balancer')?.name).toBe('LB');
  });

  it('412 on a stale If-Match, nothing written', async () => {
    await w.classes.put('load_balancer', input(), undefined);
    const stale = await rejection(w.classes.put('load_balancer', input({ name: 'Other' }), 2));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(problem(stale)).toEqual({ status: 412, code: 'stale_version', currentVersion: 1 });
    expect((await w.store.getClass('load_balancer'))?.name).toBe('Load balancer');
  });

  it('refuses an unknown parent at `parent`', async () => {
    const refused = await rejection(
      w.classes.put('load_balancer', input({ parent: 'appliance' }), undefined),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(problem(refused)).toEqual({
      status: 400,
      code: 'validation_error',
      errors: [{ path: 'parent', message: 'unknown class appliance' }],
    });
    expect(await w.store.getClass('load_balancer')).toBeUndefined();
  });

  it('gives the service classes no parent and no subclasses', async () => {
    const message = 'the service classes take no subclasses and no parent';
    const under = await rejection(
      w.classes.put('premium_service', input({ parent: 'business_service' }), undefined),
    );
    expect(problem(under)).toEqual({
      status: 400,
      code: 'validation_error',
      errors: [{ path: 'parent', message }],
    });
    const parented = await rejection(
      w.classes.put('technical_service', input({ name: 'Technical service', parent: 'software' }), undefined),
    );
    expect(problem(parented)).toEqual({
      status: 400,
      code: 'validation_error',
      errors: [{ path: 'parent', message }],
    });
    expect(await w.store.getClass('premium_service')).toBeUndefined();
    expect((await w.store.getClass('technical_service'))?.parent).toBeNull();
  });

  it('409 class_cycle when the parent chain would lead back to the class', async () => {
    await w.classes.put('load_balancer', input(), undefined);
    const deep = await rejection(
      w.classes.put(
        'hardware',
        input({ name: 'Hardware', parent: 'load_balancer', abstract: true }),
        undefined,
      ),
    );
    expect(deep).toBeInstanceOf(ConflictError);
    expect(problem(deep)).toEqual({ status: 409, code: 'class_cycle' });
    const self = await rejection(
      w.classes.put('server', input({ name: 'Server', parent: 'server' }), undefined),
    );
    expect(problem(self)).toEqual({ status: 409, code: 'class_cycle' });
    expect(await w.store.getClass('hardware')).toMatchObject({ parent: null, version: 1 });
  });

  it('refuses an unsafe or non-object schema at its path', async () => {
    const redos = await rejection(
      w.classes.put(
        'evil',
        input({
          parent: null,
          attributesSchema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } },
        }),
        undefined,
      ),
    );
    expect(redos).toBeInstanceOf(ValidationError);
    expect((redos as ValidationError).errors.map((e) => e.path)).toEqual([
      'attributesSchema.properties.a.pattern',
    ]);
    const notObject = await rejection(
      w.classes.put('evil', input({ parent: null, attributesSchema: { type: 'string' } }), undefined),
    );
    expect((notObject as ValidationError).errors.map((e) => e.path)).toEqual(['attributesSchema.type']);
    expect(await w.store.getClass('evil')).toBeUndefined();
  });

  it('checks existing CIs against a changed schema on their next write only', async () => {
    await w.classes.put('load_balancer', input(), undefined);
    await w.put('lb-1', { class: 'load_balancer', name: 'LB 1' });
    await w.classes.put(
      'load_balancer',
      input({
        attributesSchema: { type: 'object', properties: { vip: { type: 'string' } }, required: ['vip'] },
      }),
      1,
    );
    // Still there as it was.
    expect(await w.cis.get('lb-1')).toMatchObject({ attributes: {}, version: 1 });
    const refused = await rejection(
      w.cis.put(agent, 'lb-1', ciInput({ class: 'load_balancer', name: 'LB 1 renamed' }), undefined),
    );
    expect((refused as ValidationError).errors.map((e) => e.path)).toEqual(['attributes.vip']);
    // A parent's new schema binds its subclasses too.
    await w.classes.put(
      'network_device',
      {
        name: 'Network device',
        parent: 'hardware',
        abstract: false,
        attributesSchema: {
          type: 'object',
          properties: { vip: { type: 'string' } },
          additionalProperties: false,
        },
      },
      undefined,
    );
    const tooMany = await rejection(
      w.cis.put(
        agent,
        'lb-1',
        ciInput({ class: 'load_balancer', attributes: { vip: 'a', extra: 1 } }),
        undefined,
      ),
    );
    expect((tooMany as ValidationError).errors.map((e) => e.path)).toEqual(['attributes.extra']);
    const ok = await w.cis.put(
      agent,
      'lb-1',
      ciInput({ class: 'load_balancer', attributes: { vip: 'a' } }),
      undefined,
    );
    expect(ok.ci).toMatchObject({ attributes: { vip: 'a' }, version: 2 });
  });

  it('a class written in another container is seen here within 30 seconds', async () => {
    expect((await w.catalogue.index()).has('load_balancer')).toBe(false);
    const elsewhere = new ClassService(
      w.store,
      new ClassCatalogue(w.store, w.clock),
      new SchemaValidators(),
      w.clock,
    );
    await elsewhere.put('load_balancer', input(), undefined);
    w.clock.advance(0.25);
    expect((await w.classes.list()).map((c) => c.id)).not.toContain('load_balancer');
    w.clock.advance(0.25);
    expect((await w.classes.list()).map((c) => c.id)).toContain('load_balancer');
  });
});
