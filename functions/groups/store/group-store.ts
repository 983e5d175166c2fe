import type { Page, PageRequest } from '../../shared/store.js';
import type { Group } from '../model.js';

export interface GroupStore {
  get(id: string): Promise<Group | undefined>;
  /** Creates when `expectedVersion` is 0, else replaces that version; StaleWriteError otherwise. */
  put(group: Group, expectedVersion: number): Promise<void>;
  list(page: PageRequest): Promise<Page<Group>>;
  /** Which of these ids exist (one batch read). */
  existing(ids: readonly string[]): Promise<Set<string>>;
}
