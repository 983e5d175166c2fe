import { GroupService } from '../groups/service.js';
import { groupStore } from '../groups/store/wiring.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { SlaAdminService } from '../sla/admin-service.js';
import { slaConfigStore } from '../sla/store/wiring.js';

/** Seeds what every stack starts with (idempotent): the local runtime at start, the stack on deploy. */
export async function seedDefaults(deps: TableDeps): Promise<void> {
  await new GroupService(groupStore(deps), deps.clock).seedDefaults();
  await new SlaAdminService(slaConfigStore(deps), deps.clock).seedDefaults();
}
