import type { TableDeps } from '../../shared/wiring/deps.js';
import type { CatalogStore } from './catalog-store.js';
import { DynamoCatalogRepository } from './dynamodb-catalog-store.js';

/** Catalog items and request approval timers in the table. */
export function catalogStore(deps: TableDeps): CatalogStore {
  return new DynamoCatalogRepository(deps.dynamo, deps.tableName);
}
