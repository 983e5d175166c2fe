import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from '../../functions/shared/errors.js';
import {
  admin,
  agent,
  approver,
  at,
  type CmdbWorld,
  cmdbWorld,
  problem,
  rejection,
  requester,
  serviceInput,
} from './cmdb-world.js';

describe('ServicePortfolio', () => {
  let w: CmdbWorld;
  beforeEach(async () => {
    w = await cmdbWorld();
  });

  describe('put', () => {
    it('creates a service: the CI with its portfolio fields beside it and its SLA policies', async () => {
      await w.addPolicy('orders-p1', ['orders', 'billing']);
      await w.addPolicy('billing-only', ['billing']);
      await w.addPolicy('catch-all', undefined);
      const { service, created } = await w.services.put(
        admin,
        'orders',
        serviceInput({ name: 'Orders', description: 'Order taking', availabilityTarget: 99.9 }),
        undefined,
      );
      expect(created).toBe(true);
      expect(service).toEqual({
        id: 'orders',
        class: 'business_service',
        name: 'Orders',
        description: 'Order taking',
        status: 'active',
        environment: 'production',
        criticality: 2,
        owner: 'olga',
        ownerGroup: null,
        supportGroup: 'service-desk',
        location: null,
        asset: {},
        identifiers: [],
        attributes: {},
        redundancy: null,
        closure: { serviceIds: [], computedAt: null, truncated: false },
        portfolioStatus: 'pipeline',
        serviceHoursCalendarId: '24x7',
        availabilityTarget: 99.9,
        slaPolicyIds: ['orders-p1'],
        version: 1,
        createdAt: at(0),
        updatedAt: at(0),
      });
      expect((await w.store.getCi('orders'))?.service).toEqual({
        portfolioStatus: 'pipeline',
        serviceHoursCalendarId: '24x7',
        availabilityTarget: 99.9,
      });
      const [entry] = await w.history('orders');
      expect(entry?.events).toEqual([
        {
          detailType: 'Service Updated',
          detail: {
            ciId: 'orders',
            class: 'business_service',
            name: 'Orders',
            status: 'active',
            created: true,
          },
        },
      ]);
    });

    it('answers a PUT that changes nothing with the same version and writes no history', async () => {
      const first = await w.putService('orders', { portfolioStatus: 'live' });
      w.clock.advance(15);
      const again = await w.services.put(
        admin,
        'orders',
        serviceInput({ name: 'Service orders', portfolioStatus: 'live' }),
        1,
      );
      expect(again.created).toBe(false);
      expect(again.service).toEqual(first);
      expect(again.service).toMatchObject({ version: 1, updatedAt: at(0) });
      expect(await w.history('orders')).toHaveLength(1);
    });

    it('records a change as `Service Updated` with the changes', async () => {
      await w.putService('orders');
      w.clock.advance(1);
      const { service } = await w.services.put(
        admin,
        'orders',
        serviceInput({ name: 'Service orders', portfolioStatus: 'live' }),
        1,
      );
      expect(service).toMatchObject({ portfolioStatus: 'live', version: 2, updatedAt: at(1) });
      const changes = [
        {
          field: 'service',
          from: { portfolioStatus: 'pipeline', serviceHoursCalendarId: '24x7', availabilityTarget: null },
          to: { portfolioStatus: 'live', serviceHoursCalendarId: '24x7', availabilityTarget: null },
        },
      ];
      expect((await w.history('orders')).at(-1)).toMatchObject({
        action: 'updated',
        changes,
        events: [{ detailType: 'Service Updated', detail: { ciId: 'orders', changes } }],
      });
    });

    it('moves the portfolio forward only: pipeline → live → retired (409 with the allowed moves)', async () => {
      await w.putService('orders');
      expect((await w.putService('orders', { portfolioStatus: 'live' })).portfolioStatus).toBe('live');
      const back = await rejection(
        w.services.put(admin, 'orders', serviceInput({ portfolioStatus: 'pipeline' }), undefined),
      );
      expect(back).toBeInstanceOf(ConflictError);
      expect(problem(back)).toEqual({
        status: 409,
        code: 'invalid_transition',
        from: 'live',
        to: 'pipeline',
        allowed: ['retired'],
      });
      expect((await w.putService('orders', { portfolioStatus: 'retired' })).portfolioStatus).toBe('retired');
      for (const to of ['pipeline', 'live'] as const) {
        const refused = await rejection(
          w.services.put(admin, 'orders', serviceInput({ portfolioStatus: to }), undefined),
        );
        expect(problem(refused)).toEqual({
          status: 409,
          code: 'invalid_transition',
          from: 'retired',
          to,
          allowed: [],
        });
      }
      // pipeline may go straight to retired.
      await w.putService('billing');
      expect((await w.putService('billing', { portfolioStatus: 'retired' })).portfolioStatus).toBe('retired');
      expect((await w.store.getCi('orders'))?.version).toBe(3);
    });

    it('refuses an unknown service-hours calendar at `serviceHoursCalendarId`', async () => {
      const refused = await rejection(
        w.services.put(admin, 'orders', serviceInput({ serviceHoursCalendarId: 'moon-hours' }), undefined),
      );
      expect(refused).toBeInstanceOf(ValidationError);
      expect(problem(refused)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'serviceHoursCalendarId', message: 'unknown calendar moon-hours' }],
      });
      expect(await w.store.getCi('orders')).toBeUndefined();
    });

    it('takes service classes only, and never a CI id', async () => {
      const notService = await rejection(
        w.services.put(admin, 'x', serviceInput({ class: 'server' }), undefined),
      );
      expect(problem(notService)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'class', message: 'must be business_service or technical_service' }],
      });
      await w.put('app', { class: 'application' });
      const ci = await rejection(w.services.put(admin, 'app', serviceInput(), undefined));
      expect(problem(ci)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'class', message: 'app is a CI, not a service' }],
      });
      expect((await w.store.getCi('app'))?.class).toBe('application');
    });

    it('refuses an unknown support group at `supportGroup`', async () => {
      const refused = await rejection(
        w.services.put(admin, 'orders', serviceInput({ supportGroup: 'ghosts' }), undefined),
      );
      expect((refused as ValidationError).errors).toEqual([
        { path: 'supportGroup', message: 'unknown group ghosts' },
      ]);
    });
  });

  describe('get', () => {
    beforeEach(async () => {
      await w.addPolicy('p-orders', ['orders']);
      await w.putService('orders', { name: 'Orders', description: 'Order taking', portfolioStatus: 'live' });
      await w.putService('billing', { name: 'Billing' });
      await w.putService('legacy', { name: 'Legacy' });
      await w.putService('legacy', { name: 'Legacy', portfolioStatus: 'retired' });
      await w.put('app', { class: 'application' });
    });

    it('shows staff every service with its portfolio fields and SLA policies', async () => {
      for (const who of [agent, approver, admin]) {
        const orders = await w.services.get(who, 'orders');
        expect(orders).toMatchObject({ id: 'orders', portfolioStatus: 'live', slaPolicyIds: ['p-orders'] });
        expect(orders).not.toHaveProperty('service');
        expect(await w.services.get(who, 'billing')).toMatchObject({
          portfolioStatus: 'pipeline',
          slaPolicyIds: [],
        });
        expect(await w.services.get(who, 'legacy')).toMatchObject({ portfolioStatus: 'retired' });
      }
    });

    it('shows requesters a live service as {id, name, description} only, and 404 otherwise', async () => {
      expect(await w.services.get(requester, 'orders')).toEqual({
        id: 'orders',
        name: 'Orders',
        description: 'Order taking',
      });
      for (const id of ['billing', 'legacy', 'app', 'ghost']) {
        const hidden = await rejection(w.services.get(requester, id));
        expect(hidden, id).toBeInstanceOf(NotFoundError);
        expect(hidden.code).toBe('not_found');
      }
    });

    it('404 for staff on a plain CI or an unknown id', async () => {
      for (const id of ['app', 'ghost'])
        expect(await rejection(w.services.get(agent, id)), id).toBeInstanceOf(NotFoundError);
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await w.putService('orders', { name: 'Orders', portfolioStatus: 'live' });
      await w.putService('billing', { name: 'Billing', portfolioStatus: 'live', class: 'technical_service' });
      await w.putService('crm', { name: 'CRM' });
      await w.put('app', { class: 'application' });
    });

    it('lists every service for staff, by portfolio status and class', async () => {
      const ids = async (filter: Parameters<typeof w.services.list>[1]) =>
        (await w.services.list(agent, filter, { limit: 50 })).items.map((s) => s.id);
      expect(await ids({})).toEqual(['billing', 'crm', 'orders']);
      expect(await ids({ portfolioStatus: 'pipeline' })).toEqual(['crm']);
      expect(await ids({ portfolioStatus: 'live' })).toEqual(['billing', 'orders']);
      expect(await ids({ class: 'technical_service' })).toEqual(['billing']);
      expect(await ids({ class: 'application' })).toEqual([]);
      const [first] = (await w.services.list(approver, {}, { limit: 1 })).items;
      expect(first).toMatchObject({ id: 'billing', portfolioStatus: 'live', slaPolicyIds: [] });
    });

    it('lists live services only for requesters, as {id, name, description}', async () => {
      expect((await w.services.list(requester, {}, { limit: 50 })).items).toEqual([
        { id: 'billing', name: 'Billing', description: '' },
        { id: 'orders', name: 'Orders', description: '' },
      ]);
      expect(
        (await w.services.list(requester, { portfolioStatus: 'pipeline' }, { limit: 50 })).items,
      ).toEqual([]);
      expect(
        (
          await w.services.list(
            requester,
            { portfolioStatus: 'live', class: 'business_service' },
            { limit: 50 },
          )
        ).items,
      ).toEqual([{ id: 'orders', name: 'Orders', description: '' }]);
    });
  });

  describe('addDependencies', () => {
    beforeEach(async () => {
      await w.putService('orders', { portfolioStatus: 'live' });
      await w.putService('platform', { class: 'technical_service' });
      await w.put('app', { class: 'application' });
      await w.put('db', { class: 'database' });
      await w.put('old');
      await w.put('old', { status: 'retired' });
    });

    const dependencies = async (id: string) =>
      (await w.relationships.list(id, { type: 'depends_on', direction: 'out' }, { limit: 100 })).items.map(
        (r) => r.ciId,
      );

    it('adds depends_on from the service to each CI once: {added, existing}', async () => {
      expect(await w.services.addDependencies(agent, 'orders', ['app', 'app', 'platform'])).toEqual({
        added: ['app', 'platform'],
        existing: [],
      });
      expect(await w.services.addDependencies(agent, 'orders', ['db', 'app'])).toEqual({
        added: ['db'],
        existing: ['app'],
      });
      expect(await dependencies('orders')).toEqual(['app', 'db', 'platform']);
      expect((await w.history('orders')).filter((e) => e.action === 'relationship_added')).toHaveLength(3);
    });

    it('422 unknown_ci at ciIds.<i> for every unknown CI, adding none', async () => {
      const refused = await rejection(
        w.services.addDependencies(agent, 'orders', ['app', 'ghost', 'db', 'ghost']),
      );
      expect(refused).toBeInstanceOf(UnprocessableError);
      expect(problem(refused)).toEqual({
        status: 422,
        code: 'unknown_ci',
        errors: [
          { path: 'ciIds.1', message: 'unknown CI ghost' },
          { path: 'ciIds.3', message: 'unknown CI ghost' },
        ],
      });
      expect(await dependencies('orders')).toEqual([]);
    });

    it('422 retired_ci at ciIds.<i> for a retired CI, adding none', async () => {
      const refused = await rejection(w.services.addDependencies(agent, 'orders', ['app', 'old']));
      expect(problem(refused)).toEqual({
        status: 422,
        code: 'retired_ci',
        errors: [{ path: 'ciIds.1', message: 'CI old is retired' }],
      });
      expect(await dependencies('orders')).toEqual([]);
    });

    it('refuses the service itself at ciIds.<i>', async () => {
      const refused = await rejection(w.services.addDependencies(agent, 'orders', ['app', 'orders']));
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).errors).toEqual([
        { path: 'ciIds.1', message: 'a service cannot depend on itself' },
      ]);
      expect(await dependencies('orders')).toEqual([]);
    });

    it('takes at most 50 distinct CIs (400 at ciIds)', async () => {
      const many = Array.from({ length: 51 }, (_, i) => `ci-${i}`);
      const refused = await rejection(w.services.addDependencies(agent, 'orders', many));
      expect(problem(refused)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'ciIds', message: 'at most 50' }],
      });
      // Repeats do not count against the limit.
      const repeated = [...Array.from({ length: 60 }, () => 'app')];
      expect(await w.services.addDependencies(agent, 'orders', repeated)).toEqual({
        added: ['app'],
        existing: [],
      });
    });

    it('404 for an unknown service or a plain CI', async () => {
      for (const id of ['ghost', 'app'])
        expect(await rejection(w.services.addDependencies(agent, id, ['db'])), id).toBeInstanceOf(
          NotFoundError,
        );
      expect(await dependencies('app')).toEqual([]);
    });
  });
});
