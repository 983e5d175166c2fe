import type { TableDeps } from '../../shared/wiring/deps.js';
import { CachedSlaConfigStore } from './cached-sla-config-store.js';
import { DynamoSlaConfigRepository } from './dynamodb-sla-config-store.js';
import type { SlaConfigStore } from './sla-config-store.js';

/** SLA configuration through the per-container cache, which may lag by SLA_CONFIG_TTL_MS at most. */
export function slaConfigStore(deps: TableDeps): SlaConfigStore {
  return new CachedSlaConfigStore(new DynamoSlaConfigRepository(deps.dynamo, deps.tableName));
}
