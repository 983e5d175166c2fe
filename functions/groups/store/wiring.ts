import type { TableDeps } from '../../shared/wiring/deps.js';
import { DynamoGroupRepository } from './dynamodb-group-store.js';
import type { GroupStore } from './group-store.js';
import { KnownGroupsStore } from './known-groups-store.js';

/** Groups through the per-container cache of groups known to exist (groups are never deleted). */
export function groupStore(deps: TableDeps): GroupStore {
  return new KnownGroupsStore(new DynamoGroupRepository(deps.dynamo, deps.tableName));
}
