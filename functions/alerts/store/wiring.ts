import type { TableDeps } from '../../shared/wiring/deps.js';
import type { AlertStore } from './alert-store.js';
import { DynamoAlertStore } from './dynamodb-alert-store.js';

export function alertStore(deps: TableDeps): AlertStore {
  return new DynamoAlertStore(deps.dynamo, deps.tableName);
}
