import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Group } from '../../../functions/groups/model.js';
import type { GroupStore } from '../../../functions/groups/store/group-store.js';
import { type PageRequest, StaleWriteError } from '../../../functions/shared/store.js';

export interface GroupStoreUnderTest {
  readonly store: GroupStore;
  readonly cleanup: () => Promise<void>;
}

function group(id: string, overrides: Partial<Group> = {}): Group {
  return {
    id,
    name: `Group ${id}`,
    members: ['ann'],
    email: null,
    calendarId: null,
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/**
 * What every GroupStore adapter must do (GroupService's create-or-replace, ticket writes checking
 * a group exists, the sweeper reading a group's calendar and address). Run against the in-memory
 * adapter (unit project) and DynamoDB Local (integration project); each test gets an empty store.
 */
export function groupStoreContract(name: string, makeStore: () => Promise<GroupStoreUnderTest>): void {
  describe(`GroupStore contract: ${name}`, () => {
    let store: GroupStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function readAll(limit: number): Promise<{ ids: string[]; pages: number[] }> {
      const ids: string[] = [];
      const pages: number[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await store.list({ limit, startKey } satisfies PageRequest);
        ids.push(...page.items.map((g) => g.id));
        pages.push(page.items.length);
        startKey = page.lastKey;
      } while (startKey && pages.length < 50);
      return { ids, pages };
    }

    it('an absent group reads as undefined', async () => {
      expect(await store.get('nobody')).toBeUndefined();
    });

    it('creates at expected version 0 and reads back exactly what was written', async () => {
      const g = group('network', { email: 'net@example.com', calendarId: '24x7', members: ['ann', 'bo'] });
      await store.put(g, 0);
      const read = await store.get('network');
      expect(read).toEqual(g);
      expect(Object.keys(read!).sort()).toEqual(Object.keys(g).sort());
    });

    it('hands out copies: changing what was written or read changes nothing stored', async () => {
      const g = group('desk');
      await store.put(g, 0);
      (g.members as string[]).push('mallory');
      const read = (await store.get('desk'))!;
      (read.members as string[]).push('eve');
      expect((await store.get('desk'))!.members).toEqual(['ann']);
    });

    it('creating a group that exists is a stale write naming the current version', async () => {
      await store.put(group('desk'), 0);
      await store.put(group('desk', { name: 'Desk 2', version: 2 }), 1);
      const error = await store.put(group('desk', { name: 'again' }), 0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StaleWriteError);
      expect(error).toMatchObject({ recordId: 'desk', currentVersion: 2 });
      expect((await store.get('desk'))!.name).toBe('Desk 2');
    });

    it('replaces exactly the expected version; a stale one changes nothing', async () => {
      await store.put(group('desk'), 0);
      await store.put(group('desk', { name: 'v2', version: 2 }), 1);
      const error = await store.put(group('desk', { name: 'late', version: 2 }), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StaleWriteError);
      expect(error).toMatchObject({ recordId: 'desk', currentVersion: 2 });
      expect(await store.get('desk')).toMatchObject({ name: 'v2', version: 2 });
    });

    it('replacing a group that does not exist is stale, with no current version', async () => {
      const error = await store.put(group('ghost', { version: 2 }), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StaleWriteError);
      expect((error as StaleWriteError).currentVersion).toBeUndefined();
      expect(await store.get('ghost')).toBeUndefined();
    });

    it('lists groups in id order, and pages resume exactly where they stopped', async () => {
      for (const id of ['ecab', 'service-desk', 'change-managers', 'network', 'a1'])
        await store.put(group(id), 0);
      const all = await readAll(100);
      expect(all).toEqual({ ids: ['a1', 'change-managers', 'ecab', 'network', 'service-desk'], pages: [5] });
      const paged = await readAll(2);
      expect(paged.ids).toEqual(all.ids);
      // A page that reads exactly to the end still carries a resume key; the next page is empty.
      expect((await readAll(5)).pages).toEqual([5, 0]);
      expect(paged.pages).toEqual([2, 2, 1]);
    });

    it('an empty store lists nothing', async () => {
      expect(await store.list({ limit: 10 })).toEqual({ items: [] });
    });

    it('tells which of some ids exist, in batches of any size', async () => {
      await store.put(group('desk'), 0);
      await store.put(group('noc'), 0);
      expect(await store.existing([])).toEqual(new Set());
      expect(await store.existing(['desk', 'nope', 'noc'])).toEqual(new Set(['desk', 'noc']));
      const many = [...Array.from({ length: 150 }, (_, i) => `g-${i}`), 'noc'];
      expect(await store.existing(many)).toEqual(new Set(['noc']));
    });

    it('refuses a batch that names one id twice (as BatchGetItem does)', async () => {
      await store.put(group('desk'), 0);
      await expect(store.existing(['desk', 'desk'])).rejects.toThrow(/duplicates/);
    });
  });
}
