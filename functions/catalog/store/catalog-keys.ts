import { dueIndexKeys } from '../../shared/dynamodb/due-index.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { CatalogItem } from '../model.js';

/**
 * Catalog items in the single table (docs/catalog.md#storage):
 *   CATALOG#<id>          ITEM                   the item (list indexes, overloaded with `catalog…` values)
 *   CATALOG#<id>          HISTORY#<at>#<ulid>    history, carrying the events (the outbox)
 *   REQAPPROVAL#<REQ id>  DUE                    a request's next approval timer (the sweeper's due index)
 */
export const catalogPk = (id: string) => `CATALOG#${id}`;
export const catalogKey = (id: string) => ({ PK: catalogPk(id), SK: 'ITEM' });
export const approvalDueKey = (ticketId: string) => ({ PK: `REQAPPROVAL#${ticketId}`, SK: 'DUE' });

/** Partition value of the due index (bySlaDeadline) for request approval timers. */
export const APPROVAL_DUE_PARTITION = 'REQ-APPROVAL-DUE';
export const CATALOG_KIND = 'CATALOG-ITEM';

/** The item's index attributes: every list is sorted by id. */
export function catalogIndexKeys(item: CatalogItem): Record<string, string> {
  return {
    [INDEXES.byKind.partitionKey]: CATALOG_KIND,
    [INDEXES.byStatus.partitionKey]: `catalog#${item.status}`,
    [INDEXES.byType.partitionKey]: `catalog-service#${item.serviceId}`,
    [LIST_SORT_KEY]: item.id,
  };
}

/** The marker item: in the due index only while a time is due (sparse). */
export function approvalDueItem(ticketId: string, dueAt: string | null): Record<string, unknown> {
  return {
    ...approvalDueKey(ticketId),
    ticketId,
    dueAt,
    ...(dueAt ? dueIndexKeys(APPROVAL_DUE_PARTITION, dueAt, ticketId) : {}),
  };
}

/** The query a list runs: one index, the other filters narrow it. */
export function catalogListIndex(filter: { status?: string; serviceId?: string }): {
  index: 'byKind' | 'byStatus' | 'byType';
  value: string;
} {
  if (filter.serviceId !== undefined)
    return { index: 'byType', value: `catalog-service#${filter.serviceId}` };
  if (filter.status !== undefined) return { index: 'byStatus', value: `catalog#${filter.status}` };
  return { index: 'byKind', value: CATALOG_KIND };
}
