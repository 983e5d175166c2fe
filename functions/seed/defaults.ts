import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { GroupService } from '../domain/groups/service.js';
import type { AppDeps } from '../wiring/deps.js';

/** Seeds what every stack starts with (idempotent): the local runtime at start, the stack on deploy. */
export async function seedDefaults(deps: Pick<AppDeps, 'dynamo' | 'tableName' | 'clock'>): Promise<void> {
  await new GroupService(new DynamoGroupRepository(deps.dynamo, deps.tableName), deps.clock).seedDefaults();
}
