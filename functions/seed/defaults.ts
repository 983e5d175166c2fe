import { seedClasses } from '../cmdb/class-service.js';
import { cmdbStore } from '../cmdb/store/wiring.js';
import { GroupService } from '../groups/service.js';
import { groupStore } from '../groups/store/wiring.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { SlaAdminService } from '../sla/admin-service.js';
import { slaConfigStore } from '../sla/store/wiring.js';

export interface SeedOptions {
  /**
   * The groups unrouted tickets go to (the stack's `defaultGroup` and `emailDefaultGroup`), seeded
   * too when they are not among the default groups, so that routing works from the first ticket.
   */
  readonly defaultGroups?: readonly string[];
}

/** Seeds what every stack starts with (idempotent): the local runtime at start, the stack on deploy. */
export async function seedDefaults(deps: TableDeps, options: SeedOptions = {}): Promise<void> {
  await new GroupService(groupStore(deps), deps.clock).seedDefaults(options.defaultGroups);
  await new SlaAdminService(slaConfigStore(deps), deps.clock).seedDefaults();
  await seedClasses(cmdbStore(deps), deps.clock);
}
