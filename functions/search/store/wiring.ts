import type { TableDeps } from '../../shared/wiring/deps.js';
import { DynamoSearchIndexStore } from './dynamodb-search-index-store.js';
import type { SearchIndexStore } from './search-index-store.js';

/** The search index in the table. */
export function searchIndexStore(deps: TableDeps): SearchIndexStore {
  return new DynamoSearchIndexStore(deps.dynamo, deps.tableName);
}
