import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { memoryQueryPage, putVersioned, storedCopy } from '../../shared/memory/in-memory-support.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { SavedView } from '../view-model.js';
import { ownedPartition, sharedPartition, type ViewStore, viewKey, viewSortKey } from './view-store.js';

/** ViewStore in memory (test/tickets/store/view-store.contract.ts holds it to the DynamoDB one). */
export class InMemoryViewStore implements ViewStore {
  private readonly views = new Map<string, SavedView>();

  async get(id: string): Promise<SavedView | undefined> {
    const view = this.views.get(id);
    return view && storedCopy(view);
  }

  async put(view: SavedView, expectedVersion: number): Promise<void> {
    putVersioned(this.views, view, expectedVersion);
  }

  async delete(id: string): Promise<void> {
    this.views.delete(id);
  }

  async listOwned(owner: string, page: PageRequest): Promise<Page<SavedView>> {
    return this.list(
      INDEXES.byAssignee.partitionKey,
      ownedPartition(owner),
      (view) => view.owner === owner,
      page,
    );
  }

  async listShared(group: string, page: PageRequest): Promise<Page<SavedView>> {
    return this.list(
      INDEXES.byGroup.partitionKey,
      sharedPartition(group),
      (view) => view.group === group,
      page,
    );
  }

  private list(attribute: string, partition: string, holds: (view: SavedView) => boolean, page: PageRequest) {
    const entries = [...this.views.values()].filter(holds).map((view) => ({
      sortKey: viewSortKey(view),
      key: { ...viewKey(view.id), [attribute]: partition, [LIST_SORT_KEY]: viewSortKey(view) },
      value: view,
    }));
    return memoryQueryPage(
      { entries, sortAttribute: LIST_SORT_KEY, descending: true },
      page.limit,
      page.startKey,
      storedCopy,
    );
  }
}
