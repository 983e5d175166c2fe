import { CiService } from '../../functions/cmdb/ci-service.js';
import { ClassCatalogue } from '../../functions/cmdb/class-catalogue.js';
import { ClassService, seedClasses } from '../../functions/cmdb/class-service.js';
import { type ClosureEvent, ClosureMaintainer } from '../../functions/cmdb/closure-maintainer.js';
import type { Ci, CiHistoryEntry, CiInput } from '../../functions/cmdb/model.js';
import { RelationshipService } from '../../functions/cmdb/relationship-service.js';
import { type ServiceInput, ServicePortfolio } from '../../functions/cmdb/service-portfolio.js';
import { InMemoryCmdbStore } from '../../functions/cmdb/store/in-memory-cmdb-store.js';
import { WarrantyReminders } from '../../functions/cmdb/warranty.js';
import type { Group } from '../../functions/groups/model.js';
import { InMemoryGroupStore } from '../../functions/groups/store/in-memory-group-store.js';
import type { Caller, Role } from '../../functions/shared/authz.js';
import { idsOn } from '../../functions/shared/clock/ids.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { DomainError } from '../../functions/shared/errors.js';
import { SchemaValidators } from '../../functions/shared/json-schema/compiled.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { ALWAYS_ON_CALENDAR, DEFAULT_BUSINESS_CALENDAR } from '../../functions/sla/calendar.js';
import type { SlaPolicy } from '../../functions/sla/policy.js';
import { InMemorySlaConfigStore } from '../../functions/sla/store/in-memory-sla-config-store.js';

/**
 * The CMDB use cases wired over in-memory adapters, as functions/cmdb/function.ts assembles them:
 * one store, one class catalogue, one validator cache, a clock standing at T0 (Monday 23 Nov 2026,
 * 10:00 UTC), classes seeded, groups `service-desk`, `network` and `dba`, calendars `24x7` and
 * `business-hours`, no SLA policies unless a test adds them.
 */
export const T0 = Date.parse('2026-11-23T10:00:00.000Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export function caller(id: string, roles: Role[], name: string | null = id): Caller {
  return { id, email: `${id}@example.com`, name, roles: new Set(roles) };
}
export const agent = caller('ann', ['agent'], 'Ann');
export const admin = caller('ada', ['admin'], 'Ada');
export const approver = caller('ava', ['approver'], 'Ava');
export const requester = caller('rita', ['requester'], 'Rita');

/** A CI input with the defaults the API applies: an active production server, criticality 3. */
export function ciInput(fields: Partial<CiInput> = {}): CiInput {
  return {
    class: 'server',
    name: 'Server',
    description: '',
    status: 'active',
    environment: 'production',
    criticality: 3,
    owner: null,
    ownerGroup: null,
    supportGroup: null,
    location: null,
    asset: {},
    identifiers: [],
    attributes: {},
    redundancy: null,
    ...fields,
  };
}

/** A business service in the pipeline on 24x7 hours, supported by the service desk. */
export function serviceInput(fields: Partial<ServiceInput> = {}): ServiceInput {
  return {
    class: 'business_service',
    name: 'Service',
    description: '',
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
    portfolioStatus: 'pipeline',
    serviceHoursCalendarId: '24x7',
    availabilityTarget: null,
    ...fields,
  };
}

export type CmdbWorld = Awaited<ReturnType<typeof cmdbWorld>>;

export async function cmdbWorld(options: { store?: InMemoryCmdbStore } = {}) {
  const clock = new TestClock();
  clock.set(new Date(T0));
  const now = () => clock.now().getTime();
  const store = options.store ?? new InMemoryCmdbStore(new InMemoryTable(now), now);
  await seedClasses(store, clock);
  const groups = new InMemoryGroupStore();
  for (const id of ['service-desk', 'network', 'dba']) {
    const group: Group = {
      id,
      name: id,
      members: [],
      email: null,
      calendarId: null,
      createdAt: at(0),
      updatedAt: at(0),
      version: 1,
    };
    await groups.put(group, 0);
  }
  const sla = new InMemorySlaConfigStore();
  for (const calendar of [ALWAYS_ON_CALENDAR, DEFAULT_BUSINESS_CALENDAR])
    await sla.putCalendar({ ...calendar, version: 1, updatedAt: at(0) }, 0);
  const schemas = new SchemaValidators();
  const catalogue = new ClassCatalogue(store, clock);
  const newId = idsOn(clock);
  const cis = new CiService(store, catalogue, groups, schemas, clock, newId);
  const relationships = new RelationshipService(store, clock, newId);
  const services = new ServicePortfolio(store, cis, relationships, sla);
  const classes = new ClassService(store, catalogue, schemas, clock);
  const closures = new ClosureMaintainer(store, clock);
  const warranty = new WarrantyReminders(store, clock, newId);
  /** History entries already handed to the closure maintainer by `publish`. */
  const published = new Set<string>();

  const world = {
    clock,
    store,
    groups,
    sla,
    schemas,
    catalogue,
    cis,
    relationships,
    services,
    classes,
    closures,
    warranty,
    newId,
    /** PUT /cis/{id} as the agent. */
    put: async (id: string, fields: Partial<CiInput> = {}, who: Caller = agent): Promise<Ci> =>
      (await cis.put(who, id, ciInput({ name: `CI ${id}`, ...fields }), undefined)).ci,
    /** PUT /services/{id} as the admin. */
    putService: async (id: string, fields: Partial<ServiceInput> = {}) =>
      (await services.put(admin, id, serviceInput({ name: `Service ${id}`, ...fields }), undefined)).service,
    relate: async (source: string, type: string, target: string) =>
      (await relationships.add(agent, source, { type, target })).relationship,
    /** Every history entry of a CI, oldest first. */
    history: async (id: string): Promise<CiHistoryEntry[]> => {
      const entries: CiHistoryEntry[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await store.listHistory(id, { limit: 100, ...(startKey && { startKey }) });
        entries.push(...page.items);
        startKey = page.lastKey;
      } while (startKey);
      return entries;
    },
    /** The events of every history entry written since the last call, oldest first (the bus). */
    pendingEvents: async (): Promise<ClosureEvent[]> => {
      const { items } = await store.listCis({}, { limit: 1000 });
      const fresh: CiHistoryEntry[] = [];
      for (const ci of items) {
        for (const entry of await world.history(ci.id)) {
          if (published.has(entry.id)) continue;
          published.add(entry.id);
          fresh.push(entry);
        }
      }
      fresh.sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1));
      return fresh.flatMap((entry) => entry.events);
    },
    /** Delivers the pending events to the closure maintainer, as the bus rule does. */
    publish: async () => closures.onEvents(await world.pendingEvents()),
    closureOf: async (id: string) => (await store.getCi(id))?.closure.serviceIds,
    addPolicy: async (id: string, serviceIds: readonly string[] | undefined) => {
      const policy: SlaPolicy = {
        id,
        name: id,
        order: 1,
        match: serviceIds === undefined ? {} : { serviceIds },
        calendarId: '24x7',
        targets: { firstResponse: 60, resolution: 480 },
        warnAt: 0.8,
        pauseOn: [],
        version: 1,
        updatedAt: at(0),
      };
      await sla.putPolicy(policy, 0);
    },
  };
  return world;
}

/** The DomainError a promise rejects with (fails the test when it resolves or throws another error). */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
}

/** status, code and extension members of a DomainError, for one toEqual. */
export function problem(error: DomainError): Record<string, unknown> {
  return { status: error.status, code: error.code, ...error.extensions };
}
