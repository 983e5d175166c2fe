import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { DynamoSlaConfigRepository } from '../adapters/dynamodb/sla-config-repository.js';
import { GroupService } from '../domain/groups/service.js';
import { SlaAdminService } from '../domain/sla/admin-service.js';
import type { TableDeps } from '../wiring/deps.js';

/** Seeds what every stack starts with (idempotent): the local runtime at start, the stack on deploy. */
export async function seedDefaults(deps: TableDeps): Promise<void> {
  await new GroupService(new DynamoGroupRepository(deps.dynamo, deps.tableName), deps.clock).seedDefaults();
  await new SlaAdminService(
    new DynamoSlaConfigRepository(deps.dynamo, deps.tableName),
    deps.clock,
  ).seedDefaults();
}
