import { RecentMap } from '../../shared/caching/recent-map.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { Group } from '../model.js';
import type { GroupStore } from './group-store.js';

/**
 * Groups are never deleted (the API has no such route), so once a group is known to exist it
 * exists for good: ticket writes naming a known group skip the existence read. Unknown ids are
 * always asked, so a group created a moment ago is found.
 */
export class KnownGroupsStore implements GroupStore {
  private readonly known = new RecentMap<string, true>(1_000);

  constructor(private readonly inner: GroupStore) {}

  get(id: string): Promise<Group | undefined> {
    return this.inner.get(id);
  }

  async put(group: Group, expectedVersion: number): Promise<void> {
    await this.inner.put(group, expectedVersion);
    this.known.set(group.id, true);
  }

  list(page: PageRequest): Promise<Page<Group>> {
    return this.inner.list(page);
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    const unknown = ids.filter((id) => this.known.get(id) === undefined);
    const found = unknown.length > 0 ? await this.inner.existing(unknown) : new Set<string>();
    for (const id of found) this.known.set(id, true);
    return new Set(ids.filter((id) => found.has(id) || this.known.get(id) !== undefined));
  }
}
