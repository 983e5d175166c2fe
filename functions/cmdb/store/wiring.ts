import type { TableDeps } from '../../shared/wiring/deps.js';
import { type CiDirectory, StoreCiDirectory } from '../ci-directory.js';
import type { CmdbStore } from './cmdb-store.js';
import { DynamoCmdbRepository } from './dynamodb-cmdb-store.js';

/** The CMDB's records in the table. */
export function cmdbStore(deps: TableDeps): CmdbStore {
  return new DynamoCmdbRepository(deps.dynamo, deps.tableName);
}

/** What tickets and changes ask the CMDB, with the per-container service cache (docs/performance.md). */
export function ciDirectory(deps: TableDeps): CiDirectory {
  return new StoreCiDirectory(cmdbStore(deps), deps.clock);
}
