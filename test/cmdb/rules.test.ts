import { describe, expect, it } from 'vitest';
import {
  assertStatusMove,
  ciChanges,
  ciFromInput,
  ciWriteHistory,
  warrantyNoticeAt,
} from '../../functions/cmdb/ci-rules.js';
import { CI_STATUSES, type Ci, type CiStatus } from '../../functions/cmdb/model.js';
import {
  impactSide,
  isRelationshipType,
  labelFor,
  RELATIONSHIP_TYPES,
  type RelationshipType,
  resolveLabel,
} from '../../functions/cmdb/relationship-types.js';
import { ConflictError } from '../../functions/shared/errors.js';
import { admin, agent, approver, ciInput, problem } from './cmdb-world.js';
import { aCi } from './store/cmdb-fixtures.js';

function thrown(run: () => void): ConflictError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConflictError) return error;
    throw error;
  }
  throw new Error('expected a ConflictError');
}

const stamp = { now: '2026-11-23T10:00:00.000Z', eventId: '01JKEVENT0000000000000000A' };

describe('assertStatusMove (the CI lifecycle)', () => {
  it('creates a CI in any status but retired', () => {
    for (const status of ['planned', 'ordered', 'in_stock', 'active', 'maintenance'] as const)
      expect(() => assertStatusMove(undefined, status, agent)).not.toThrow();
    const refused = thrown(() => assertStatusMove(undefined, 'retired', admin));
    expect(problem(refused)).toEqual({
      status: 409,
      code: 'invalid_transition',
      to: 'retired',
      // Every status a CI may be created in.
      allowed: ['planned', 'ordered', 'in_stock', 'active', 'maintenance'],
    });
  });

  /** The moves an agent may make: forward through procurement, active ⇄ maintenance, anything to retired. */
  const MOVES: Record<Exclude<CiStatus, 'retired'>, CiStatus[]> = {
    planned: ['ordered', 'in_stock', 'active', 'retired'],
    ordered: ['in_stock', 'active', 'retired'],
    in_stock: ['active', 'retired'],
    active: ['maintenance', 'retired'],
    maintenance: ['active', 'retired'],
  };

  it('allows exactly the lifecycle moves and refuses the rest with the allowed ones listed', () => {
    for (const [from, allowed] of Object.entries(MOVES) as [Exclude<CiStatus, 'retired'>, CiStatus[]][]) {
      const before = aCi('web-1', { status: from });
      for (const to of CI_STATUSES) {
        if (to === from || allowed.includes(to)) {
          expect(() => assertStatusMove(before, to, agent), `${from} → ${to}`).not.toThrow();
          continue;
        }
        const refused = thrown(() => assertStatusMove(before, to, agent));
        expect(problem(refused), `${from} → ${to}`).toEqual({
          status: 409,
          code: 'invalid_transition',
          from,
          to,
          allowed,
        });
      }
    }
  });

  it('never moves backwards through procurement, even for an admin', () => {
    for (const [from, to] of [
      ['ordered', 'planned'],
      ['in_stock', 'ordered'],
      ['active', 'in_stock'],
      ['maintenance', 'planned'],
    ] as const) {
      const refused = thrown(() => assertStatusMove(aCi('x', { status: from }), to, admin));
      expect(refused.extensions.allowed).toEqual(MOVES[from]);
    }
  });

  it('lets only an admin bring a retired CI back, to any status', () => {
    const retired = aCi('old-1', { status: 'retired' });
    for (const to of ['planned', 'ordered', 'in_stock', 'active', 'maintenance'] as const) {
      expect(() => assertStatusMove(retired, to, admin)).not.toThrow();
      for (const who of [agent, approver]) {
        expect(problem(thrown(() => assertStatusMove(retired, to, who)))).toEqual({
          status: 409,
          code: 'invalid_transition',
          from: 'retired',
          to,
          allowed: [],
        });
      }
    }
    // Staying retired (editing a retired CI's other fields) is no move at all.
    expect(() => assertStatusMove(retired, 'retired', agent)).not.toThrow();
  });
});

describe('ciFromInput', () => {
  it('starts a new CI at version 1 with an empty closure', () => {
    const ci = ciFromInput('web-1', ciInput({ name: 'Web 1' }), undefined, stamp);
    expect(ci).toMatchObject({
      id: 'web-1',
      name: 'Web 1',
      version: 1,
      createdAt: stamp.now,
      updatedAt: stamp.now,
      closure: { serviceIds: [], computedAt: null, truncated: false },
    });
  });

  it('keeps createdAt and the closure of the CI it replaces, one version on', () => {
    const before = aCi('web-1', {
      version: 4,
      createdAt: '2026-01-01T00:00:00.000Z',
      closure: { serviceIds: ['svc'], computedAt: '2026-02-01T00:00:00.000Z', truncated: true },
    });
    const after = ciFromInput('web-1', ciInput({ name: 'Renamed' }), before, stamp);
    expect(after.version).toBe(5);
    expect(after.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(after.updatedAt).toBe(stamp.now);
    expect(after.closure).toEqual({
      serviceIds: ['svc'],
      computedAt: '2026-02-01T00:00:00.000Z',
      truncated: true,
    });
  });
});

describe('ciWriteHistory', () => {
  it('records a creation as `CI Created` with the actor, at the stamp', () => {
    const after = aCi('web-1', { name: 'Web 1', status: 'planned' });
    expect(ciWriteHistory(undefined, after, agent, stamp, { service: false })).toEqual({
      id: stamp.eventId,
      recordId: 'web-1',
      at: stamp.now,
      actor: { id: 'ann', name: 'Ann' },
      action: 'created',
      changes: [],
      events: [
        {
          detailType: 'CI Created',
          detail: { ciId: 'web-1', class: 'server', name: 'Web 1', status: 'planned', created: true },
        },
      ],
    });
  });

  it('records a service creation as `Service Updated`', () => {
    const after = aCi('orders', { class: 'business_service', name: 'Orders' });
    const entry = ciWriteHistory(undefined, after, admin, stamp, { service: true });
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

  it('records field changes as `CI Updated`, plus `CI Status Changed` on a status move', () => {
    const before = aCi('web-1', { name: 'Web 1' });
    const renamed = aCi('web-1', { name: 'Web one', version: 2 });
    expect(ciWriteHistory(before, renamed, agent, stamp, { service: false })).toEqual({
      id: stamp.eventId,
      recordId: 'web-1',
      at: stamp.now,
      actor: { id: 'ann', name: 'Ann' },
      action: 'updated',
      changes: [{ field: 'name', from: 'Web 1', to: 'Web one' }],
      events: [
        {
          detailType: 'CI Updated',
          detail: { ciId: 'web-1', changes: [{ field: 'name', from: 'Web 1', to: 'Web one' }] },
        },
      ],
    });
    const moved = aCi('web-1', { name: 'Web 1', status: 'maintenance', version: 2 });
    const entry = ciWriteHistory(before, moved, agent, stamp, { service: false });
    expect(entry?.changes).toEqual([{ field: 'status', from: 'active', to: 'maintenance' }]);
    expect(entry?.events).toEqual([
      {
        detailType: 'CI Updated',
        detail: { ciId: 'web-1', changes: [{ field: 'status', from: 'active', to: 'maintenance' }] },
      },
      { detailType: 'CI Status Changed', detail: { ciId: 'web-1', from: 'active', to: 'maintenance' } },
    ]);
  });

  it("raises only `Service Updated` for a service's changes, status included", () => {
    const service = {
      portfolioStatus: 'pipeline',
      serviceHoursCalendarId: '24x7',
      availabilityTarget: null,
    } as const;
    const before = aCi('orders', { class: 'business_service', service });
    const after = aCi('orders', {
      class: 'business_service',
      status: 'maintenance',
      service: { ...service, portfolioStatus: 'live' },
      version: 2,
    });
    const entry = ciWriteHistory(before, after, admin, stamp, { service: true });
    const changes = [
      { field: 'status', from: 'active', to: 'maintenance' },
      { field: 'service', from: service, to: { ...service, portfolioStatus: 'live' } },
    ];
    expect(entry?.changes).toEqual(changes);
    expect(entry?.events).toEqual([{ detailType: 'Service Updated', detail: { ciId: 'orders', changes } }]);
  });

  it('writes nothing when no tracked field changed (version and times do not count)', () => {
    const before = aCi('web-1', { asset: { vendor: 'Dell', cost: { amount: '10.00', currency: 'EUR' } } });
    const same = aCi('web-1', {
      asset: { vendor: 'Dell', cost: { amount: '10.00', currency: 'EUR' } },
      version: 2,
      updatedAt: '2027-01-01T00:00:00.000Z',
      closure: { serviceIds: ['svc'], computedAt: null, truncated: false },
    });
    expect(ciWriteHistory(before, same, agent, stamp, { service: false })).toBeUndefined();
    expect(ciChanges(before, same)).toEqual([]);
  });

  it('compares nested values structurally and names a field that appears as from null', () => {
    const before = aCi('web-1', { asset: { vendor: 'Dell' } });
    const after = aCi('web-1', {
      asset: { vendor: 'Dell', warrantyUntil: '2027-01-10' },
      redundancy: { minUp: 1, unit: 'count' },
    });
    expect(ciChanges(before, after)).toEqual([
      { field: 'asset', from: { vendor: 'Dell' }, to: { vendor: 'Dell', warrantyUntil: '2027-01-10' } },
      { field: 'redundancy', from: null, to: { minUp: 1, unit: 'count' } },
    ]);
    const serviced = aCi('web-1', {
      asset: { vendor: 'Dell' },
      service: { portfolioStatus: 'live', serviceHoursCalendarId: '24x7', availabilityTarget: 99.9 },
    });
    expect(ciChanges(before, serviced)).toEqual([
      {
        field: 'service',
        from: null,
        to: { portfolioStatus: 'live', serviceHoursCalendarId: '24x7', availabilityTarget: 99.9 },
      },
    ]);
  });
});

describe('warrantyNoticeAt', () => {
  const today = '2026-11-23';
  const withWarranty = (until: string | undefined, fields: Partial<Ci> = {}) =>
    aCi('web-1', { asset: until === undefined ? {} : { warrantyUntil: until }, ...fields });

  it('is 30 days before warrantyUntil, at midnight UTC', () => {
    expect(warrantyNoticeAt(undefined, withWarranty('2027-03-01'), today)).toBe('2027-01-30T00:00:00.000Z');
    expect(warrantyNoticeAt(undefined, withWarranty('2027-01-10'), today)).toBe('2026-12-11T00:00:00.000Z');
  });

  it('is owed at once (a past instant) when the warranty ends within 30 days, today included', () => {
    expect(warrantyNoticeAt(undefined, withWarranty('2026-12-01'), today)).toBe('2026-11-01T00:00:00.000Z');
    expect(warrantyNoticeAt(undefined, withWarranty(today), today)).toBe('2026-10-24T00:00:00.000Z');
  });

  it('owes none without a warranty, for a retired CI, or for a warranty already over', () => {
    expect(warrantyNoticeAt(undefined, withWarranty(undefined), today)).toBeNull();
    expect(warrantyNoticeAt(undefined, withWarranty('2027-03-01', { status: 'retired' }), today)).toBeNull();
    expect(warrantyNoticeAt(undefined, withWarranty('2026-11-22'), today)).toBeNull();
  });

  it('keeps the marker as it is while the warranty and retiredness stay the same', () => {
    const before = withWarranty('2027-03-01');
    expect(warrantyNoticeAt(before, withWarranty('2027-03-01', { name: 'renamed' }), today)).toBeUndefined();
    expect(
      warrantyNoticeAt(before, withWarranty('2027-03-01', { status: 'maintenance' }), today),
    ).toBeUndefined();
    expect(warrantyNoticeAt(withWarranty(undefined), withWarranty(undefined), today)).toBeUndefined();
  });

  it('re-arms on a changed warranty or a return from retired; disarms on retiring or removing it', () => {
    const before = withWarranty('2027-03-01');
    expect(warrantyNoticeAt(before, withWarranty('2027-06-30'), today)).toBe('2027-05-31T00:00:00.000Z');
    expect(warrantyNoticeAt(before, withWarranty('2027-03-01', { status: 'retired' }), today)).toBeNull();
    expect(warrantyNoticeAt(before, withWarranty(undefined), today)).toBeNull();
    const retired = withWarranty('2027-03-01', { status: 'retired' });
    expect(warrantyNoticeAt(retired, withWarranty('2027-03-01'), today)).toBe('2027-01-30T00:00:00.000Z');
    expect(warrantyNoticeAt(retired, withWarranty('2027-06-30', { status: 'retired' }), today)).toBeNull();
  });
});

describe('relationship types', () => {
  const EXPECTED: Record<RelationshipType, { out: string; in: string; label: string }> = {
    depends_on: { out: 'U', in: 'D', label: 'used_by' },
    runs_on: { out: 'U', in: 'D', label: 'runs' },
    hosted_on: { out: 'U', in: 'D', label: 'hosts' },
    member_of: { out: 'D', in: 'U', label: 'has_member' },
    contains: { out: 'D', in: 'U', label: 'contained_by' },
    connected_to: { out: 'N', in: 'N', label: 'connected_to' },
    backed_up_by: { out: 'N', in: 'N', label: 'backs_up' },
  };

  it('impactSide: D where the other side is impacted if this one fails, U the reverse, N none', () => {
    expect(RELATIONSHIP_TYPES).toEqual(Object.keys(EXPECTED));
    for (const type of RELATIONSHIP_TYPES) {
      expect(impactSide(type, 'out'), `${type} out`).toBe(EXPECTED[type].out);
      expect(impactSide(type, 'in'), `${type} in`).toBe(EXPECTED[type].in);
    }
  });

  it('labelFor: the type from the source, the reverse label from the target', () => {
    for (const type of RELATIONSHIP_TYPES) {
      expect(labelFor(type, 'out')).toBe(type);
      expect(labelFor(type, 'in')).toBe(EXPECTED[type].label);
    }
  });

  it('resolveLabel: a type names the source side (either side when symmetric), a reverse label the target', () => {
    expect(resolveLabel('depends_on')).toEqual({ type: 'depends_on', directions: ['out'] });
    expect(resolveLabel('used_by')).toEqual({ type: 'depends_on', directions: ['in'] });
    expect(resolveLabel('hosts')).toEqual({ type: 'hosted_on', directions: ['in'] });
    expect(resolveLabel('contained_by')).toEqual({ type: 'contains', directions: ['in'] });
    expect(resolveLabel('backs_up')).toEqual({ type: 'backed_up_by', directions: ['in'] });
    expect(resolveLabel('connected_to')).toEqual({ type: 'connected_to', directions: ['out', 'in'] });
    expect(resolveLabel('likes')).toBeUndefined();
    expect(resolveLabel('')).toBeUndefined();
  });

  it('isRelationshipType knows the seven types only', () => {
    expect(RELATIONSHIP_TYPES.filter(isRelationshipType)).toHaveLength(7);
    expect(isRelationshipType('used_by')).toBe(false);
    expect(isRelationshipType('DEPENDS_ON')).toBe(false);
  });
});
