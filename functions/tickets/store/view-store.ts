import type { Page, PageRequest } from '../../shared/store.js';
import type { SavedView } from '../view-model.js';

/**
 * Saved views (functions/tickets/views.ts). Items:
 *   VIEW#<id>  VIEW   the view; in byAssignee under `view#<owner>` and, when shared, in byGroup
 *                     under `view#<group>` (overloaded list indexes, newest first).
 */
export interface ViewStore {
  get(id: string): Promise<SavedView | undefined>;
  /** Creates when `expectedVersion` is 0, else replaces that version; StaleWriteError otherwise. */
  put(view: SavedView, expectedVersion: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** The owner's views, newest first. */
  listOwned(owner: string, page: PageRequest): Promise<Page<SavedView>>;
  /** The views shared with a group, newest first. */
  listShared(group: string, page: PageRequest): Promise<Page<SavedView>>;
}

export const viewKey = (id: string) => ({ PK: `VIEW#${id}`, SK: 'VIEW' });
export const ownedPartition = (owner: string) => `view#${owner}`;
export const sharedPartition = (group: string) => `view#${group}`;
export const viewSortKey = (view: SavedView) => `${view.createdAt}#${view.id}`;
