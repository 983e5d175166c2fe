import type { TableDeps } from '../../shared/wiring/deps.js';
import { CachedCsatStore } from './cached-csat-store.js';
import type { CsatStore } from './csat-store.js';
import { DynamoCsatStore } from './dynamodb-csat-store.js';

/** CSAT records in the table, settings through the per-container cache. */
export function csatStore(deps: TableDeps): CsatStore {
  return new CachedCsatStore(new DynamoCsatStore(deps.dynamo, deps.tableName));
}
