import {
  dynamoLikeError,
  memoryQueryPage,
  putVersioned,
  storedCopy,
} from '../../shared/memory/in-memory-support.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { Group } from '../model.js';
import type { GroupStore } from './group-store.js';

/** BatchGetItem takes at most 100 keys (functions/shared/dynamodb/batch-get.ts reads in chunks). */
const BATCH_KEYS = 100;

/**
 * The GroupStore in memory; answers as DynamoGroupRepository does (the contract suite in
 * test/groups/store/group-store.contract.ts runs against both): versioned create-or-replace, a
 * list ordered by id with the same page boundaries, copies in and out.
 */
export class InMemoryGroupStore implements GroupStore {
  private readonly groups = new Map<string, Group>();

  async get(id: string): Promise<Group | undefined> {
    const group = this.groups.get(id);
    return group ? storedCopy(group) : undefined;
  }

  async put(group: Group, expectedVersion: number): Promise<void> {
    putVersioned(this.groups, group, expectedVersion);
  }

  async list(page: PageRequest): Promise<Page<Group>> {
    return memoryQueryPage(
      {
        entries: [...this.groups.values()].map((group) => ({
          sortKey: group.id,
          key: { PK: `GROUP#${group.id}`, SK: 'GROUP', kindPk: 'GROUP', listSk: group.id },
          value: group,
        })),
        sortAttribute: 'listSk',
      },
      page.limit,
      page.startKey,
      storedCopy,
    );
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    for (let start = 0; start < ids.length; start += BATCH_KEYS) {
      const chunk = ids.slice(start, start + BATCH_KEYS);
      // One BatchGetItem may not name a key twice.
      if (new Set(chunk).size !== chunk.length) {
        throw dynamoLikeError('ValidationException', 'Provided list of item keys contains duplicates');
      }
    }
    return new Set(ids.filter((id) => this.groups.has(id)));
  }
}
