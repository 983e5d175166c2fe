import type { Group } from '../../functions/groups/model.js';
import { GroupService } from '../../functions/groups/service.js';
import { InMemoryGroupStore } from '../../functions/groups/store/in-memory-group-store.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { SlaAdminService } from '../../functions/sla/admin-service.js';
import { InMemorySlaConfigStore } from '../../functions/sla/store/in-memory-sla-config-store.js';
import { TicketService } from '../../functions/tickets/service.js';
import { InMemoryTicketStore } from '../../functions/tickets/store/in-memory-ticket-store.js';
import type { TicketStore } from '../../functions/tickets/store/ticket-store.js';
import { at } from '../sla/fixtures.js';

/**
 * Everything a ticket or SLA use case needs, in memory: the seeded groups, calendars and policies,
 * a clock frozen at T0 (Monday 10:00 UTC, inside business hours) and ids that sort in creation order.
 */
export interface World {
  readonly clock: TestClock;
  readonly tickets: InMemoryTicketStore;
  readonly groups: InMemoryGroupStore;
  readonly slaConfig: InMemorySlaConfigStore;
  readonly newId: () => string;
  /** A TicketService over `store` (default: the world's ticket store). */
  service(store?: TicketStore): TicketService;
  addGroup(id: string, fields?: Partial<Group>): Promise<Group>;
}

export async function world(): Promise<World> {
  const clock = new TestClock();
  clock.freeze(new Date(at(0)));
  const tickets = new InMemoryTicketStore();
  const groups = new InMemoryGroupStore();
  const slaConfig = new InMemorySlaConfigStore();
  await new GroupService(groups, clock).seedDefaults();
  await new SlaAdminService(slaConfig, clock).seedDefaults();
  let ids = 0;
  const newId = () => `id-${String(++ids).padStart(8, '0')}`;
  return {
    clock,
    tickets,
    groups,
    slaConfig,
    newId,
    service: (store = tickets) => new TicketService(store, groups, slaConfig, clock, newId),
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
