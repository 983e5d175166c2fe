import { packHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { historyKey, withoutKeys } from '../../shared/dynamodb/keys.js';
import { compareKeys } from '../../shared/memory/in-memory-support.js';
import {
  InMemoryTable,
  InMemoryTransactionCanceledError,
  queryPageInMemory,
} from '../../shared/memory/in-memory-table.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { CatalogHistoryEntry, CatalogItem } from '../model.js';
import {
  APPROVAL_DUE_PARTITION,
  approvalDueItem,
  catalogIndexKeys,
  catalogKey,
  catalogListIndex,
  catalogPk,
} from './catalog-keys.js';
import {
  type ApprovalDue,
  type CatalogQuery,
  type CatalogStore,
  matchesCatalogQuery,
} from './catalog-store.js';

/**
 * The CatalogStore on the in-memory table, item for item and query for query as the DynamoDB
 * adapter (the contract suite runs both). It cannot join a ticket store's transaction: the
 * request service then sets approval timers apart (as the mail gateway does its companions).
 */
export class InMemoryCatalogStore implements CatalogStore {
  constructor(readonly table: InMemoryTable = new InMemoryTable()) {}

  async get(id: string): Promise<CatalogItem | undefined> {
    const item = this.table.get(catalogKey(id));
    return item ? withoutKeys<CatalogItem>(item) : undefined;
  }

  async put(item: CatalogItem, expectedVersion: number, history: CatalogHistoryEntry): Promise<void> {
    try {
      this.table.transactWrite(
        [
          {
            put: { ...catalogKey(item.id), ...catalogIndexKeys(item), ...item },
            condition: (current) =>
              expectedVersion === 0 ? current === undefined : current?.version === expectedVersion,
            returnOldOnFailure: true,
          },
          {
            put: { ...historyKey(catalogPk(item.id), history.at, history.id), ...packHistoryEvents(history) },
            condition: (current) => current === undefined,
          },
        ],
        { token: history.id, fingerprint: JSON.stringify([item, history]) },
      );
    } catch (error) {
      if (
        error instanceof InMemoryTransactionCanceledError &&
        error.reasons[0]?.code === 'ConditionalCheckFailed'
      ) {
        throw new StaleWriteError(item.id, error.reasons[0].item?.version as number | undefined);
      }
      throw error;
    }
  }

  async list(query: CatalogQuery, page: PageRequest): Promise<Page<CatalogItem>> {
    const target = catalogListIndex(query);
    return queryPageInMemory(
      this.table,
      { index: target.index, partition: target.value },
      page.limit,
      page.startKey,
      (raw) => {
        const item = withoutKeys<CatalogItem>(raw);
        return matchesCatalogQuery(item, query) ? item : undefined;
      },
    );
  }

  async listApprovalDue(until: string, page: PageRequest): Promise<Page<ApprovalDue>> {
    return queryPageInMemory(
      this.table,
      {
        index: 'bySlaDeadline',
        partition: APPROVAL_DUE_PARTITION,
        range: (sk) => compareKeys(sk, `${until}~`) <= 0,
      },
      page.limit,
      page.startKey,
      (raw) => ({ ticketId: String(raw.ticketId), dueAt: String(raw.dueAt) }),
    );
  }

  approvalDueCompanion(): undefined {
    return undefined;
  }

  async setApprovalDue(ticketId: string, dueAt: string | null): Promise<void> {
    this.table.put(approvalDueItem(ticketId, dueAt));
  }
}
