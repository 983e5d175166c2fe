import { KnownGroupsStore } from '../adapters/caching/known-groups.js';
import { CachedSlaConfigStore } from '../adapters/caching/sla-config-cache.js';
import { SnapshotTicketStore } from '../adapters/caching/ticket-snapshots.js';
import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { DynamoSlaConfigRepository } from '../adapters/dynamodb/sla-config-repository.js';
import { DynamoTicketRepository } from '../adapters/dynamodb/ticket-repository.js';
import type { GroupStore } from '../ports/group-store.js';
import type { SlaConfigStore } from '../ports/sla-config-store.js';
import type { TicketStore } from '../ports/ticket-store.js';
import type { TableDeps } from './deps.js';

/**
 * The stores a handler writes tickets through, with the per-container caches that keep a write at
 * two DynamoDB calls (docs/performance.md §2). The caches only ever answer what cannot have
 * changed (a ticket version, a group's existence) or what may lag by a stated bound (SLA
 * configuration, SLA_CONFIG_TTL_MS).
 */
export function slaConfigStore(deps: TableDeps): SlaConfigStore {
  return new CachedSlaConfigStore(new DynamoSlaConfigRepository(deps.dynamo, deps.tableName));
}

export function groupStore(deps: TableDeps): GroupStore {
  return new KnownGroupsStore(new DynamoGroupRepository(deps.dynamo, deps.tableName));
}

export function ticketStore(deps: TableDeps): TicketStore {
  return new SnapshotTicketStore(new DynamoTicketRepository(deps.dynamo, deps.tableName));
}
