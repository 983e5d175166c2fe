import type { TableDeps } from '../../shared/wiring/deps.js';
import { DynamoReportsStore } from './dynamodb-reports-store.js';
import type { ReportsStore } from './reports-store.js';

/** The report aggregates in the table. */
export function reportsStore(deps: TableDeps): ReportsStore {
  return new DynamoReportsStore(deps.dynamo, deps.tableName);
}
