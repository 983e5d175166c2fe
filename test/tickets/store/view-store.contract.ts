import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../../functions/shared/store.js';
import type { ViewStore } from '../../../functions/tickets/store/view-store.js';
import type { SavedView } from '../../../functions/tickets/views.js';

export interface ViewStoreUnderTest {
  readonly views: ViewStore;
  readonly cleanup: () => Promise<void>;
}

export const savedView = (overrides: Partial<SavedView> = {}): SavedView => ({
  id: 'view-1',
  name: 'My queue',
  owner: 'ann',
  group: null,
  query: { status: 'new', sort: 'sla' },
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  version: 1,
  ...overrides,
});

/** Saved views as ViewService relies on them: versioned puts, owner and group lists, newest first. */
export function viewStoreContract(name: string, make: () => Promise<ViewStoreUnderTest>): void {
  describe(`ViewStore contract: ${name}`, () => {
    let views: ViewStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ views, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('creates once, replaces only the version read, deletes', async () => {
      await views.put(savedView(), 0);
      await expect(views.put(savedView(), 0)).rejects.toBeInstanceOf(StaleWriteError);
      await views.put(savedView({ name: 'Renamed', version: 2 }), 1);
      await expect(views.put(savedView({ version: 3 }), 1)).rejects.toMatchObject({ currentVersion: 2 });
      expect(await views.get('view-1')).toEqual(savedView({ name: 'Renamed', version: 2 }));
      await views.delete('view-1');
      expect(await views.get('view-1')).toBeUndefined();
    });

    it("lists an owner's views and a group's shared ones, newest first, across pages", async () => {
      for (let i = 0; i < 5; i++) {
        await views.put(
          savedView({
            id: `view-${i}`,
            owner: i < 3 ? 'ann' : 'bob',
            group: i % 2 ? 'net' : null,
            createdAt: `2026-12-01T10:0${i}:00.000Z`,
          }),
          0,
        );
      }
      const first = await views.listOwned('ann', { limit: 2 });
      expect(first.items.map((v) => v.id)).toEqual(['view-2', 'view-1']);
      const second = await views.listOwned('ann', { limit: 2, startKey: first.lastKey! });
      expect(second.items.map((v) => v.id)).toEqual(['view-0']);
      expect((await views.listShared('net', { limit: 10 })).items.map((v) => v.id)).toEqual([
        'view-3',
        'view-1',
      ]);
      // Unshared: it leaves the group's list.
      await views.put(
        savedView({
          id: 'view-3',
          owner: 'bob',
          group: null,
          createdAt: '2026-12-01T10:03:00.000Z',
          version: 2,
        }),
        1,
      );
      expect((await views.listShared('net', { limit: 10 })).items.map((v) => v.id)).toEqual(['view-1']);
    });
  });
}
