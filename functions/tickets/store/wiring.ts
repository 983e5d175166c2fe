import type { TableDeps } from '../../shared/wiring/deps.js';
import { DynamoTicketRepository } from './dynamodb-ticket-store.js';
import { SnapshotTicketStore } from './snapshot-ticket-store.js';
import type { TicketStore } from './ticket-store.js';

/**
 * The ticket store a handler writes through: DynamoDB behind the per-container version snapshots
 * that keep a write at two calls (docs/performance.md). A snapshot only ever answers what cannot
 * have changed (a ticket at a version).
 */
export function ticketStore(deps: TableDeps): TicketStore {
  return new SnapshotTicketStore(new DynamoTicketRepository(deps.dynamo, deps.tableName));
}
