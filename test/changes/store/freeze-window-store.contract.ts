import { beforeEach, describe, expect, it } from 'vitest';
import type { FreezeWindow } from '../../../functions/changes/model.js';
import type { FreezeWindowStore } from '../../../functions/changes/store/change-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';
import { aFreezeWindow, allPages, at } from './store-fixtures.js';

/**
 * What every FreezeWindowStore keeps to, run against the in-memory adapter
 * (freeze-window-store.memory.test.ts) and DynamoDB Local (freeze-window-store.dynamodb.test.ts).
 */
export function freezeWindowStoreContract(adapter: string, open: () => Promise<FreezeWindowStore>): void {
  describe(`FreezeWindowStore contract: ${adapter}`, () => {
    let store: FreezeWindowStore;

    beforeEach(async () => {
      store = await open();
    });

    async function create(window: FreezeWindow): Promise<FreezeWindow> {
      await store.put(window, 0);
      return window;
    }

    const ids = (windows: readonly FreezeWindow[]) => windows.map((w) => w.id);

    it('reads an absent window as undefined, a stored one exactly, without key attributes', async () => {
      expect(await store.get('none')).toBeUndefined();
      const window = await create(
        aFreezeWindow('q4', at(0), at(60), { ciIds: ['ci-a', 'ci-b'], reason: 'launch' }),
      );
      const read = await store.get('q4');
      expect(read).toEqual(window);
      expect(Object.keys(read!).sort()).toEqual(Object.keys(window).sort());
    });

    it('creates at expected version 0 only once: again is a StaleWriteError naming version 1', async () => {
      const window = await create(aFreezeWindow('q4', at(0), at(60)));
      const error = await store.put({ ...window, name: 'again' }, 0).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StaleWriteError);
      expect(error).toMatchObject({ recordId: 'q4', currentVersion: 1 });
      expect(await store.get('q4')).toEqual(window);
    });

    it('replaces exactly the expected version; any other is a StaleWriteError naming the current one', async () => {
      const v1 = await create(aFreezeWindow('q4', at(0), at(60)));
      const v2 = { ...v1, name: 'renamed', version: 2 };
      await store.put(v2, 1);
      expect(await store.get('q4')).toEqual(v2);
      await expect(store.put({ ...v1, version: 2 }, 1)).rejects.toMatchObject({
        recordId: 'q4',
        currentVersion: 2,
      });
      const absent = await store.put(aFreezeWindow('none', at(0), at(1), { version: 3 }), 2).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(absent).toBeInstanceOf(StaleWriteError);
      expect((absent as StaleWriteError).currentVersion).toBeUndefined();
      expect(await store.get('none')).toBeUndefined();
    });

    it('lists by start (then id), paging with JSON-safe cursors; a full last page is followed by an empty one', async () => {
      await create(aFreezeWindow('c', at(30), at(40)));
      await create(aFreezeWindow('a', at(10), at(20)));
      await create(aFreezeWindow('b', at(10), at(50)));
      await create(aFreezeWindow('d', at(5), at(6)));
      expect(ids((await store.list({ limit: 10 })).items)).toEqual(['d', 'a', 'b', 'c']);
      const { pages } = await allPages((startKey) => store.list({ limit: 2, startKey }));
      expect(pages.map(ids)).toEqual([['d', 'a'], ['b', 'c'], []]);
      expect((await store.list({ limit: 10 })).lastKey).toBeUndefined();
    });

    it('a moved start moves the window in the list', async () => {
      const a = await create(aFreezeWindow('a', at(10), at(20)));
      await create(aFreezeWindow('b', at(15), at(20)));
      await store.put({ ...a, start: at(16), version: 2 }, 1);
      expect(ids((await store.list({ limit: 10 })).items)).toEqual(['b', 'a']);
    });

    it('finds the windows overlapping [from, to), half-open on both sides, by start', async () => {
      await create(aFreezeWindow('before', at(0), at(10)));
      await create(aFreezeWindow('touching-end', at(5), at(10)));
      await create(aFreezeWindow('inside', at(12), at(14)));
      await create(aFreezeWindow('around', at(1), at(100)));
      await create(aFreezeWindow('crossing-start', at(9), at(11)));
      await create(aFreezeWindow('touching-start', at(20), at(30)));
      await create(aFreezeWindow('after', at(25), at(30)));
      expect(ids(await store.overlapping(at(10), at(20)))).toEqual(['around', 'crossing-start', 'inside']);
      expect(await store.overlapping(at(200), at(300))).toEqual([]);
    });
  });
}
