import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { GroupService } from '../domain/groups/service.js';
import { SlaAdminService } from '../domain/sla/admin-service.js';
import type { TableDeps } from '../wiring/deps.js';
import { slaConfigStore } from '../wiring/stores.js';

/** Seeds what every stack starts with (idempotent): the local runtime at start, the stack on deploy. */
export async function seedDefaults(deps: TableDeps): Promise<void> {
  await new GroupService(new DynamoGroupRepository(deps.dynamo, deps.tableName), deps.clock).seedDefaults();
  await new SlaAdminService(slaConfigStore(deps), deps.clock).seedDefaults();
}
