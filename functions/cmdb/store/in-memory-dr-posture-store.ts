import { compareKeys } from '../../shared/memory/in-memory-support.js';
import {
  InMemoryTable,
  InMemoryTransactionCanceledError,
  type Item,
  type ItemKey,
  queryPageInMemory,
  type TransactAction,
} from '../../shared/memory/in-memory-table.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import { type DrPostureItem, type DrState, drCountDelta } from '../dr-posture.js';
import { countsFromItem, rowFromItem, rowKey, stateFromItem, stateKey } from './dr-posture-keys.js';
import {
  DR_COUNTS_KEY,
  DR_UNCOVERED_PARTITION,
  type DrPostureCounts,
  type DrPostureStore,
  type StoredDrState,
} from './dr-posture-store.js';

/**
 * The DrPostureStore without DynamoDB: the same items, keys and conditions in an InMemoryTable
 * (pass the CMDB store's, as production shares one table), so the contract suite in
 * test/cmdb/store holds both adapters to one behaviour.
 */
export class InMemoryDrPostureStore implements DrPostureStore {
  constructor(readonly table: InMemoryTable = new InMemoryTable()) {}

  async getState(ciId: string): Promise<StoredDrState> {
    return stateFromItem(this.table.get(stateKey(ciId)));
  }

  async saveState(ciId: string, before: StoredDrState, after: DrState): Promise<void> {
    const actions: TransactAction[] = [
      {
        put: {
          ...stateKey(ciId),
          inScope: after.inScope,
          uncovered: after.uncovered,
          revision: before.revision + 1,
        },
        condition: (current) =>
          before.revision === 0 ? current === undefined : Number(current?.revision) === before.revision,
      },
    ];
    const oldKey = before.uncovered ? rowKey(before.uncovered) : undefined;
    const newKey = after.uncovered ? rowKey(after.uncovered) : undefined;
    if (after.uncovered) actions.push({ put: { ...newKey, ...after.uncovered } });
    const delta = drCountDelta(before, after);
    if (delta.inScope !== 0 || delta.uncovered !== 0) {
      actions.push({
        update: DR_COUNTS_KEY,
        apply: (current) => ({
          ...current,
          inScope: Number(current?.inScope ?? 0) + delta.inScope,
          uncovered: Number(current?.uncovered ?? 0) + delta.uncovered,
        }),
      });
    }
    try {
      this.table.transactWrite(actions);
    } catch (error) {
      if (error instanceof InMemoryTransactionCanceledError && error.reasons[0]?.code !== 'None') {
        throw new StaleWriteError(ciId);
      }
      throw error;
    }
    // In the same synchronous step as the transaction, so no reader sees it half done.
    if (oldKey && oldKey.SK !== newKey?.SK) deleteItem(this.table, oldKey);
  }

  async touch(at: string): Promise<void> {
    const current = this.table.get(DR_COUNTS_KEY);
    const asOf = current?.asOf;
    if (typeof asOf === 'string' && compareKeys(asOf, at) >= 0) return;
    this.table.update(DR_COUNTS_KEY, (item) => ({ ...item, asOf: at }));
  }

  async counts(): Promise<DrPostureCounts> {
    return countsFromItem(this.table.get(DR_COUNTS_KEY));
  }

  async uncovered(page: PageRequest): Promise<Page<DrPostureItem>> {
    return queryPageInMemory(
      this.table,
      { partition: DR_UNCOVERED_PARTITION },
      page.limit,
      page.startKey,
      rowFromItem,
    );
  }
}

/** DeleteItem (InMemoryTable has puts and updates only; as the in-memory CMDB store does). */
function deleteItem(table: InMemoryTable, key: ItemKey): void {
  const items = (table as unknown as { readonly items?: unknown }).items;
  if (!(items instanceof Map)) throw new Error('InMemoryTable keeps no item map to delete from');
  for (const [id, item] of items as Map<string, Item>) {
    if (item.PK === key.PK && item.SK === key.SK) {
      items.delete(id);
      return;
    }
  }
}
