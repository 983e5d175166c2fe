import { describe, expect, it } from 'vitest';
import {
  affectedServiceIds,
  checkCiIds,
  defaultGroupFor,
  EMPTY_CI_DIRECTORY,
  StoreCiDirectory,
} from '../../functions/cmdb/ci-directory.js';
import type { Ci } from '../../functions/cmdb/model.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { UnprocessableError } from '../../functions/shared/errors.js';
import { problem, T0 } from './cmdb-world.js';
import { aCi } from './store/cmdb-fixtures.js';

const byId = (...cis: Ci[]) => new Map(cis.map((ci) => [ci.id, ci]));
const service = (id: string, portfolioStatus: 'pipeline' | 'live' | 'retired', fields: Partial<Ci> = {}) =>
  aCi(id, {
    class: 'business_service',
    service: { portfolioStatus, serviceHoursCalendarId: '24x7', availabilityTarget: null },
    ...fields,
  });

function thrown(run: () => unknown): UnprocessableError {
  try {
    run();
  } catch (error) {
    if (error instanceof UnprocessableError) return error;
    throw error;
  }
  throw new Error('expected an UnprocessableError');
}

describe('checkCiIds', () => {
  const found = byId(aCi('web-1'), aCi('db-1'), aCi('old-1', { status: 'retired' }));

  it('accepts CIs that exist and are not retired', () => {
    expect(checkCiIds(['web-1', 'db-1'], found, { strict: true })).toEqual({ unknownCiIds: [] });
    expect(checkCiIds([], found, { strict: true })).toEqual({ unknownCiIds: [] });
  });

  it('strict: 422 unknown_ci naming every unknown id at <field>.<index>', () => {
    const refused = thrown(() => checkCiIds(['web-1', 'ghost', 'old-1', 'nope'], found, { strict: true }));
    expect(problem(refused)).toEqual({
      status: 422,
      code: 'unknown_ci',
      errors: [
        { path: 'ciIds.1', message: 'unknown CI ghost' },
        { path: 'ciIds.3', message: 'unknown CI nope' },
      ],
    });
    const named = thrown(() => checkCiIds(['ghost'], found, { strict: true, field: 'affectedCiIds' }));
    expect(named.extensions.errors).toEqual([{ path: 'affectedCiIds.0', message: 'unknown CI ghost' }]);
  });

  it('strict: 422 retired_ci at <field>.<index> when none is unknown', () => {
    const refused = thrown(() => checkCiIds(['web-1', 'old-1'], found, { strict: true }));
    expect(problem(refused)).toEqual({
      status: 422,
      code: 'retired_ci',
      errors: [{ path: 'ciIds.1', message: 'CI old-1 is retired' }],
    });
  });

  it('strict: lets a record keep the ids it already names, unknown or retired', () => {
    expect(
      checkCiIds(['old-1', 'ghost', 'web-1'], found, { strict: true, alreadyOnRecord: ['ghost', 'old-1'] }),
    ).toEqual({ unknownCiIds: ['ghost'] });
    const added = thrown(() =>
      checkCiIds(['old-1', 'nope'], found, { strict: true, alreadyOnRecord: ['old-1'] }),
    );
    expect(added.extensions.errors).toEqual([{ path: 'ciIds.1', message: 'unknown CI nope' }]);
  });

  it('lenient: accepts unknown and retired ids, listing the unknown ones', () => {
    expect(checkCiIds(['ghost', 'web-1', 'old-1', 'nope'], found, { strict: false })).toEqual({
      unknownCiIds: ['ghost', 'nope'],
    });
  });
});

describe('affectedServiceIds', () => {
  it('is the named service first, then the closures in order, then live services named directly, once each', () => {
    const cis = [
      aCi('web-1', { closure: { serviceIds: ['orders', 'billing'], computedAt: null, truncated: false } }),
      aCi('db-1', { closure: { serviceIds: ['billing', 'crm'], computedAt: null, truncated: false } }),
      service('portal', 'live'),
      service('draft', 'pipeline'),
      service('legacy', 'retired'),
    ];
    expect(affectedServiceIds(cis, 'hr')).toEqual(['hr', 'orders', 'billing', 'crm', 'portal']);
    expect(affectedServiceIds(cis, 'crm')).toEqual(['crm', 'orders', 'billing', 'portal']);
    expect(affectedServiceIds(cis, null)).toEqual(['orders', 'billing', 'crm', 'portal']);
    expect(affectedServiceIds([], null)).toEqual([]);
  });

  it('does not count a plain CI with service-like fields as a service', () => {
    const odd = aCi('odd', {
      service: { portfolioStatus: 'live', serviceHoursCalendarId: '24x7', availabilityTarget: null },
    });
    expect(affectedServiceIds([odd], null)).toEqual([]);
  });
});

describe('defaultGroupFor', () => {
  const found = byId(
    aCi('low', { criticality: 4, supportGroup: 'desk' }),
    aCi('high-a', { criticality: 1, supportGroup: 'network' }),
    aCi('high-b', { criticality: 1, supportGroup: 'dba' }),
    aCi('mid', { criticality: 2, supportGroup: 'apps' }),
    aCi('unowned', { criticality: 1, supportGroup: null }),
  );
  const orders = service('orders', 'live', { supportGroup: 'service-desk' });

  it('is the support group of the most critical CI that has one, the first in ciIds on a tie', () => {
    expect(defaultGroupFor(['low', 'mid', 'high-a', 'high-b'], found, orders)).toBe('network');
    expect(defaultGroupFor(['high-b', 'high-a'], found, orders)).toBe('dba');
    expect(defaultGroupFor(['low', 'mid'], found, orders)).toBe('apps');
    expect(defaultGroupFor(['unowned', 'low'], found, orders)).toBe('desk');
    expect(defaultGroupFor(['ghost', 'low'], found, undefined)).toBe('desk');
  });

  it("falls back to the service's support group, then to none", () => {
    expect(defaultGroupFor(['unowned', 'ghost'], found, orders)).toBe('service-desk');
    expect(defaultGroupFor([], found, orders)).toBe('service-desk');
    expect(defaultGroupFor(['unowned'], found, undefined)).toBeNull();
    expect(defaultGroupFor([], found, service('bare', 'live'))).toBeNull();
  });
});

describe('StoreCiDirectory', () => {
  function directory(initial: Ci[]) {
    const clock = new TestClock();
    clock.set(new Date(T0));
    const held = new Map(initial.map((ci) => [ci.id, ci]));
    const reads: string[][] = [];
    const store = {
      async getCis(ids: readonly string[]) {
        reads.push([...ids]);
        return new Map(ids.flatMap((id) => (held.has(id) ? [[id, held.get(id)!] as const] : [])));
      },
    };
    return { clock, held, reads, dir: new StoreCiDirectory(store, clock) };
  }

  it('cis: one batch read each time, none for no ids', async () => {
    const { dir, reads } = directory([aCi('web-1')]);
    expect([...(await dir.cis(['web-1', 'ghost'])).keys()]).toEqual(['web-1']);
    expect([...(await dir.cis(['web-1'])).keys()]).toEqual(['web-1']);
    expect((await dir.cis([])).size).toBe(0);
    expect(reads).toEqual([['web-1', 'ghost'], ['web-1']]);
  });

  it('services: kept for 30 seconds, then read again', async () => {
    const { dir, reads, held, clock } = directory([service('orders', 'live', { name: 'Orders' })]);
    expect((await dir.services(['orders'])).get('orders')?.name).toBe('Orders');
    held.set('orders', service('orders', 'retired', { name: 'Orders (old)' }));
    clock.set(new Date(T0 + 29_999));
    expect((await dir.services(['orders'])).get('orders')?.name).toBe('Orders');
    expect(reads).toEqual([['orders']]);
    clock.set(new Date(T0 + 30_000));
    expect((await dir.services(['orders'])).get('orders')?.service?.portfolioStatus).toBe('retired');
    expect(reads).toEqual([['orders'], ['orders']]);
  });

  it('services: reads only what it does not hold, once per id, and never holds an absent one', async () => {
    const { dir, reads } = directory([service('orders', 'live'), service('crm', 'live')]);
    await dir.services(['orders']);
    const found = await dir.services(['crm', 'orders', 'ghost', 'crm']);
    expect([...found.keys()].sort()).toEqual(['crm', 'orders']);
    await dir.services(['ghost']);
    expect(await dir.services([])).toEqual(new Map());
    expect(reads).toEqual([['orders'], ['crm', 'ghost'], ['ghost']]);
  });

  it('services: reads again when the clock goes back', async () => {
    const { dir, reads, clock } = directory([service('orders', 'live')]);
    await dir.services(['orders']);
    clock.advance(-1);
    await dir.services(['orders']);
    expect(reads).toEqual([['orders'], ['orders']]);
  });

  it('EMPTY_CI_DIRECTORY knows no CI', async () => {
    expect(await EMPTY_CI_DIRECTORY.cis(['web-1'])).toEqual(new Map());
    expect(await EMPTY_CI_DIRECTORY.services(['orders'])).toEqual(new Map());
  });
});
