import type { TableDeps } from '../../shared/wiring/deps.js';
import type { KnownErrorIndex, KnownErrorRecords } from '../../tickets/known-error-suggestions.js';
import { ProblemKnownErrors } from '../known-error-records.js';
import { CachedKnownErrorIndex } from '../published-index.js';
import { DynamoKnownErrorStore } from './dynamodb-error-store.js';
import type { KnownErrorStore } from './error-store.js';

/** Known errors in the table. */
export function knownErrorStore(deps: TableDeps): KnownErrorStore {
  return new DynamoKnownErrorStore(deps.dynamo, deps.tableName, () => deps.clock.now());
}

/** What ticket writes ask of known errors: the cached published index and the records (docs/problems.md). */
export function knownErrorsForTickets(deps: TableDeps): {
  knownErrors: KnownErrorIndex;
  knownErrorRecords: KnownErrorRecords;
} {
  const store = knownErrorStore(deps);
  return { knownErrors: new CachedKnownErrorIndex(store), knownErrorRecords: new ProblemKnownErrors(store) };
}
