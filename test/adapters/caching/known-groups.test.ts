import { describe, expect, it, vi } from 'vitest';
import type { GroupStore } from '../../../functions/groups/store/group-store.js';
import { KnownGroupsStore } from '../../../functions/groups/store/known-groups-store.js';

function fakeGroups(existing: string[]) {
  const ids = new Set(existing);
  const store: GroupStore = {
    get: vi.fn(async () => undefined),
    put: vi.fn(async (group) => void ids.add(group.id)),
    list: vi.fn(async () => ({ items: [] })),
    existing: vi.fn(async (asked: readonly string[]) => new Set(asked.filter((id) => ids.has(id)))),
  };
  return { store, ids };
}

describe('KnownGroupsStore', () => {
  it('asks only about ids it has not seen exist', async () => {
    const { store } = fakeGroups(['ops', 'net']);
    const groups = new KnownGroupsStore(store);
    expect(await groups.existing(['ops'])).toEqual(new Set(['ops']));
    expect(await groups.existing(['ops', 'net'])).toEqual(new Set(['ops', 'net']));
    expect(vi.mocked(store.existing).mock.calls).toEqual([[['ops']], [['net']]]);
    await groups.existing(['ops', 'net']);
    expect(store.existing).toHaveBeenCalledTimes(2);
  });

  it('never remembers an absence, so a group created since is found', async () => {
    const { store, ids } = fakeGroups([]);
    const groups = new KnownGroupsStore(store);
    expect(await groups.existing(['new'])).toEqual(new Set());
    ids.add('new'); // created through another container
    expect(await groups.existing(['new'])).toEqual(new Set(['new']));
  });

  it('knows a group it wrote itself', async () => {
    const { store } = fakeGroups([]);
    const groups = new KnownGroupsStore(store);
    await groups.put({ id: 'cab' } as never, 0);
    expect(await groups.existing(['cab'])).toEqual(new Set(['cab']));
    expect(store.existing).not.toHaveBeenCalled();
  });
});
