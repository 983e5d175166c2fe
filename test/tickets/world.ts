import type { CiDirectory } from '../../functions/cmdb/ci-directory.js';
import type { Ci } from '../../functions/cmdb/model.js';
import type { Group } from '../../functions/groups/model.js';
import { GroupService } from '../../functions/groups/service.js';
import { InMemoryGroupStore } from '../../functions/groups/store/in-memory-group-store.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { SlaAdminService } from '../../functions/sla/admin-service.js';
import { InMemorySlaConfigStore } from '../../functions/sla/store/in-memory-sla-config-store.js';
import { TicketService, type TicketServiceOptions } from '../../functions/tickets/service.js';
import { InMemoryTicketStore } from '../../functions/tickets/store/in-memory-ticket-store.js';
import type { TicketStore } from '../../functions/tickets/store/ticket-store.js';
import { aCi as cmdbCi } from '../cmdb/store/cmdb-fixtures.js';
import { at } from '../sla/fixtures.js';

/** A CI with every field defaulted (an active production server of criticality 3, in no service). */
export function aCi(id: string, fields: Partial<Ci> = {}): Ci {
  return cmdbCi(id, { name: id, createdAt: at(0), updatedAt: at(0), ...fields });
}

/** A live business service (`portfolioStatus` overridable through `service`). */
export function aService(id: string, fields: Partial<Ci> = {}): Ci {
  return aCi(id, {
    class: 'business_service',
    service: { portfolioStatus: 'live', serviceHoursCalendarId: '24x7', availabilityTarget: null },
    ...fields,
  });
}

/** The CMDB as tickets see it, over a map; counts the batch reads each method makes. */
export class MapCiDirectory implements CiDirectory {
  readonly reads = { cis: [] as string[][], services: [] as string[][] };
  constructor(readonly known = new Map<string, Ci>()) {}

  async cis(ids: readonly string[]): Promise<Map<string, Ci>> {
    this.reads.cis.push([...ids]);
    return this.pick(ids);
  }

  async services(ids: readonly string[]): Promise<Map<string, Ci>> {
    this.reads.services.push([...ids]);
    return this.pick(ids);
  }

  private pick(ids: readonly string[]): Map<string, Ci> {
    return new Map(ids.flatMap((id) => (this.known.has(id) ? [[id, this.known.get(id)!] as const] : [])));
  }
}

/**
 * Everything a ticket or SLA use case needs, in memory: the seeded groups, calendars and policies,
 * a CMDB (empty until `addCi`), a clock frozen at T0 (Monday 10:00 UTC, inside business hours) and
 * ids that sort in creation order.
 */
export interface World {
  readonly clock: TestClock;
  readonly tickets: InMemoryTicketStore;
  readonly groups: InMemoryGroupStore;
  readonly slaConfig: InMemorySlaConfigStore;
  readonly cmdb: MapCiDirectory;
  readonly newId: () => string;
  /** A TicketService over `store` (default: the world's ticket store). */
  service(store?: TicketStore, options?: TicketServiceOptions): TicketService;
  addGroup(id: string, fields?: Partial<Group>): Promise<Group>;
  /** Puts CIs (aCi, aService) in the world's CMDB. */
  addCi(...cis: Ci[]): void;
}

export async function world(): Promise<World> {
  const clock = new TestClock();
  clock.freeze(new Date(at(0)));
  const tickets = new InMemoryTicketStore();
  const groups = new InMemoryGroupStore();
  const slaConfig = new InMemorySlaConfigStore();
  const cmdb = new MapCiDirectory();
  await new GroupService(groups, clock).seedDefaults();
  await new SlaAdminService(slaConfig, clock).seedDefaults();
  let ids = 0;
  const newId = () => `id-${String(++ids).padStart(8, '0')}`;
  return {
    clock,
    tickets,
    groups,
    slaConfig,
    cmdb,
    newId,
    service: (store = tickets, options = {}) =>
      new TicketService(store, groups, slaConfig, cmdb, clock, newId, options),
    addCi: (...cis) => {
      for (const ci of cis) cmdb.known.set(ci.id, ci);
    },
    addGroup: async (id, fields = {}) => {
      const now = clock.now().toISOString();
      const group: Group = {
        id,
        name: id,
        members: [],
        email: null,
        calendarId: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
        ...fields,
      };
      await groups.put(group, 0);
      return group;
    },
  };
}
