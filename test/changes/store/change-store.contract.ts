import { beforeEach, describe, expect, it } from 'vitest';
import type { Change, ChangeHistoryEntry } from '../../../functions/changes/model.js';
import {
  CallbackConflictError,
  type CallbackKey,
  type ChangeStore,
} from '../../../functions/changes/store/change-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';
import { aChange, allPages, anEntry, at, next } from './store-fixtures.js';

/**
 * What every ChangeStore keeps to (functions/changes/store/change-store.ts), declared once and run
 * against each adapter: change-store.memory.test.ts (unit) and change-store.dynamodb.test.ts
 * (integration, DynamoDB Local). `open` gives a fresh, empty store for each test.
 */
export function changeStoreContract(adapter: string, open: () => Promise<ChangeStore>): void {
  describe(`ChangeStore contract: ${adapter}`, () => {
    let store: ChangeStore;

    beforeEach(async () => {
      store = await open();
    });

    /** Creates the change with a `created` entry; returns it as stored. */
    async function create(change: Change): Promise<Change> {
      await store.commit({ after: change, history: anEntry(change, 'created', change.createdAt) });
      return change;
    }

    /** Writes the next version of `before` with `fields`; returns it. */
    async function update(before: Change, fields: Partial<Change> = {}): Promise<Change> {
      const after = next(before, fields);
      await store.commit({ before, after, history: anEntry(after) });
      return after;
    }

    async function historyOf(id: string): Promise<ChangeHistoryEntry[]> {
      return (await allPages((startKey) => store.listHistory(id, { limit: 100, startKey }))).items;
    }

    const approvalKey: CallbackKey = { kind: 'approval', stage: 'cab', group: 'network' };

    describe('sequence', () => {
      it('counts from 1 without gaps, and concurrent draws never share a number', async () => {
        expect(await store.nextSequence()).toBe(1);
        expect(await store.nextSequence()).toBe(2);
        const drawn = await Promise.all(Array.from({ length: 10 }, () => store.nextSequence()));
        expect([...drawn].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      });
    });

    describe('get and getMany', () => {
      it('reads an absent change as undefined', async () => {
        expect(await store.get('CHG-000404')).toBeUndefined();
      });

      it('round-trips a change exactly, without key attributes, as a copy', async () => {
        const change = await create(
          aChange(1, {
            ciIds: ['ci-a', 'ci-b'],
            conflicts: [
              {
                kind: 'freeze',
                freezeWindowId: 'q4',
                name: 'Q4',
                start: at(0),
                end: at(60),
                blocking: true,
              },
            ],
            risk: { level: 'medium', score: 2, reasons: ['two CIs'] },
            description: '',
          }),
        );
        const read = await store.get(change.id);
        expect(read).toEqual(change);
        expect(Object.keys(read!).sort()).toEqual(Object.keys(change).sort());
        (read as { title: string }).title = 'mutated by a reader';
        expect((await store.get(change.id))?.title).toBe(change.title);
      });

      it('drops undefined members and list elements, as the marshaller does', async () => {
        const change = aChange(1);
        await create({
          ...change,
          extra: undefined,
          approvalGroups: ['network', undefined, 'database'],
          requester: { ...change.requester, email: undefined },
        } as unknown as Change);
        const read = await store.get(change.id);
        expect(Object.keys(read!)).not.toContain('extra');
        expect(read?.approvalGroups).toEqual(['network', 'database']);
        expect(Object.keys(read!.requester)).not.toContain('email');
      });

      it('getMany answers in the order asked, leaving out the missing; none asked, none read', async () => {
        for (const n of [1, 2, 3]) await create(aChange(n));
        const found = await store.getMany(['CHG-000003', 'CHG-000404', 'CHG-000001']);
        expect(found.map((c) => c.id)).toEqual(['CHG-000003', 'CHG-000001']);
        expect(await store.getMany([])).toEqual([]);
      });

      it('getMany refuses the same id twice in one batch (BatchGetItem does)', async () => {
        await create(aChange(1));
        await expect(store.getMany(['CHG-000001', 'CHG-000001'])).rejects.toMatchObject({
          name: 'ValidationException',
        });
      });

      it('getMany reads more than one batch of 100', async () => {
        await create(aChange(1));
        await create(aChange(150));
        const ids = Array.from({ length: 160 }, (_, i) => `CHG-${String(i + 1).padStart(6, '0')}`);
        expect((await store.getMany(ids)).map((c) => c.id)).toEqual(['CHG-000001', 'CHG-000150']);
      });
    });

    describe('commit', () => {
      it('creates once: a second create of the id is refused as a cancelled transaction, not a stale write', async () => {
        const change = await create(aChange(1));
        const again = aChange(1, { title: 'again' });
        const error = await store.commit({ after: again, history: anEntry(again, 'created') }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ name: 'TransactionCanceledException' });
        expect(error).not.toBeInstanceOf(StaleWriteError);
        expect(await store.get(change.id)).toEqual(change);
        expect((await historyOf(change.id)).map((h) => h.action)).toEqual(['created']);
      });

      it('updates the version read; a stale one is a StaleWriteError naming the current version, and writes nothing', async () => {
        const v1 = await create(aChange(1));
        const v2 = await update(v1, { status: 'pending_approval' });
        expect(await store.get(v1.id)).toEqual(v2);
        const lost = next(v1, { title: 'lost update' });
        const error = await store.commit({ before: v1, after: lost, history: anEntry(lost) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StaleWriteError);
        expect(error).toMatchObject({ recordId: v1.id, currentVersion: 2 });
        expect(await store.get(v1.id)).toEqual(v2);
        expect((await historyOf(v1.id)).map((h) => h.action)).toEqual(['created', 'updated']);
      });

      it('an update of a change that does not exist is a StaleWriteError without a current version', async () => {
        const ghost = aChange(7);
        const after = next(ghost);
        const error = await store.commit({ before: ghost, after, history: anEntry(after) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StaleWriteError);
        expect((error as StaleWriteError).currentVersion).toBeUndefined();
        expect(await store.get(ghost.id)).toBeUndefined();
      });

      it('of two writers of one version, exactly one lands', async () => {
        const v1 = await create(aChange(1));
        const results = await Promise.allSettled(
          ['a', 'b'].map((title) => {
            const after = next(v1, { title });
            return store.commit({ before: v1, after, history: anEntry(after) });
          }),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(StaleWriteError);
        expect((await store.get(v1.id))?.version).toBe(2);
      });

      it('a commit retried with the same history id is applied once (the transaction token)', async () => {
        const v1 = await create(aChange(1));
        const v2 = next(v1, { status: 'pending_approval' });
        const write = { before: v1, after: v2, history: anEntry(v2) };
        await store.commit(write);
        await store.commit(write);
        expect(await store.get(v1.id)).toEqual(v2);
        expect((await historyOf(v1.id)).map((h) => h.action)).toEqual(['created', 'updated']);
      });

      it('the same history id with another write is refused', async () => {
        const v1 = await create(aChange(1));
        const v2 = next(v1);
        const history = anEntry(v2);
        await store.commit({ before: v1, after: v2, history });
        const v3 = next(v2, { title: 'other' });
        await expect(store.commit({ before: v2, after: v3, history })).rejects.toMatchObject({
          name: 'IdempotentParameterMismatchException',
        });
        expect(await store.get(v1.id)).toEqual(v2);
      });
    });

    describe('history', () => {
      it('lists a change’s entries oldest first, its events as written, and nobody else’s', async () => {
        const v1 = await create(aChange(1));
        await create(aChange(2));
        const v2 = next(v1, { status: 'pending_approval' });
        const changes = [{ field: 'status', from: 'assessing', to: 'pending_approval' }];
        // An event repeating the entry's own changes is stored once (history-item.ts) and read back whole.
        const entry: ChangeHistoryEntry = {
          ...anEntry(v2, 'assessed'),
          changes,
          events: [
            { detailType: 'Change Status Changed', detail: { changeId: v1.id, changes } },
            { detailType: 'Change Assessed', detail: { changeId: v1.id, route: 'approval' } },
          ],
        };
        await store.commit({ before: v1, after: v2, history: entry });
        const history = await historyOf(v1.id);
        expect(history.map((h) => h.action)).toEqual(['created', 'assessed']);
        expect(history[1]).toEqual(entry);
        expect(await historyOf('CHG-000404')).toEqual([]);
      });

      it('pages with a cursor; a full last page still carries one, and the page after it is empty', async () => {
        let change = await create(aChange(1));
        for (let i = 0; i < 3; i++) change = await update(change);
        const { pages } = await allPages((startKey) => store.listHistory(change.id, { limit: 2, startKey }));
        expect(pages.map((p) => p.length)).toEqual([2, 2, 0]);
        expect(pages.flat().map((h) => h.at)).toEqual([at(1), at(2), at(3), at(4)]);
      });
    });

    describe('list', () => {
      /** Seven changes, newest last: statuses, types, requesters and CIs to filter on. */
      async function seed(): Promise<Change[]> {
        const specs: Partial<Change>[] = [
          { status: 'cancelled', ciIds: ['ci-a'] },
          { type: 'standard', ciIds: ['ci-b'] },
          { requester: { id: 'bob', email: null, name: null }, ciIds: ['ci-a', 'ci-b'] },
          { status: 'pending_approval', ciIds: ['ci-c'] },
          { type: 'emergency', status: 'pending_approval', ciIds: ['ci-a'], plannedStart: at(10) },
          { requester: { id: 'bob', email: null, name: null }, status: 'cancelled', ciIds: ['ci-a'] },
          { ciIds: ['ci-b'] },
        ];
        const created: Change[] = [];
        for (const [i, spec] of specs.entries()) created.push(await create(aChange(i + 1, spec)));
        return created;
      }

      const ids = (changes: readonly Change[]) => changes.map((c) => c.id);
      const numbers = (...n: number[]) => n.map((i) => `CHG-${String(i).padStart(6, '0')}`);

      it('lists every change newest first', async () => {
        await seed();
        expect(ids((await store.list({}, { limit: 50 })).items)).toEqual(numbers(7, 6, 5, 4, 3, 2, 1));
      });

      it('lists the changes created in [from, to), newest first', async () => {
        for (const n of [1, 2, 3, 4]) await create(aChange(n, { createdAt: at(n * 10) }));
        expect(ids((await store.listCreatedBetween(at(20), at(40), { limit: 50 })).items)).toEqual(
          numbers(3, 2),
        );
        const first = await store.listCreatedBetween(at(0), at(100), { limit: 3 });
        expect(ids(first.items)).toEqual(numbers(4, 3, 2));
        const rest = await store.listCreatedBetween(at(0), at(100), { limit: 3, startKey: first.lastKey });
        expect(ids(rest.items)).toEqual(numbers(1));
      });

      it.each([
        ['status', { status: 'cancelled' as const }, [6, 1]],
        ['type', { type: 'standard' as const }, [2]],
        ['requester', { requester: 'bob' }, [6, 3]],
        ['requester and status', { requester: 'bob', status: 'cancelled' as const }, [6]],
        ['status and type', { status: 'pending_approval' as const, type: 'emergency' as const }, [5]],
        ['nothing matching', { status: 'closed' as const }, []],
      ])('filters by %s', async (_, query, expected) => {
        await seed();
        expect(ids((await store.list(query, { limit: 50 })).items)).toEqual(numbers(...expected));
      });

      it('by CI, lists the changes with a window on it, latest planned start first', async () => {
        await seed();
        // Change 5 starts earliest; the others share a start and are ordered by id.
        expect(ids((await store.list({ ciId: 'ci-a' }, { limit: 50 })).items)).toEqual(numbers(6, 3, 1, 5));
        expect(ids((await store.list({ ciId: 'ci-a', status: 'cancelled' }, { limit: 50 })).items)).toEqual(
          numbers(6, 1),
        );
        expect((await store.list({ ciId: 'ci-none' }, { limit: 50 })).items).toEqual([]);
      });

      it('a change moves between status lists as its status changes', async () => {
        const [first] = await seed();
        const reopened = await update(first!, { status: 'assessing' });
        expect(ids((await store.list({ status: 'cancelled' }, { limit: 50 })).items)).toEqual(numbers(6));
        expect(ids((await store.list({ status: 'assessing' }, { limit: 50 })).items)).toContain(reopened.id);
      });

      it('pages through with JSON-safe cursors, every change once, a full last page followed by an empty one', async () => {
        await seed();
        const { items, pages } = await allPages((startKey) => store.list({}, { limit: 7, startKey }));
        expect(pages.map((p) => p.length)).toEqual([7, 0]);
        expect(ids(items)).toEqual(numbers(7, 6, 5, 4, 3, 2, 1));
        const small = await allPages((startKey) => store.list({}, { limit: 3, startKey }));
        expect(small.pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(ids(small.items)).toEqual(numbers(7, 6, 5, 4, 3, 2, 1));
      });

      it('pages by CI the same way', async () => {
        await seed();
        const { items, pages } = await allPages((startKey) =>
          store.list({ ciId: 'ci-a' }, { limit: 2, startKey }),
        );
        expect(pages.map((p) => p.length)).toEqual([2, 2, 0]);
        expect(ids(items)).toEqual(numbers(6, 3, 1, 5));
      });

      it('a page may come back short, with a cursor, when the filter discards what a bounded read found', async () => {
        // `status` picks the index, `type` filters it: newest first, the one standard change is read
        // 7th, and a page of 1 takes at most five one-item queries.
        await create(aChange(1, { type: 'standard' }));
        for (let n = 2; n <= 7; n++) await create(aChange(n));
        const query = { status: 'assessing' as const, type: 'standard' as const };
        const first = await store.list(query, { limit: 1 });
        expect(first.items).toEqual([]);
        expect(first.lastKey).toBeDefined();
        const { pages } = await allPages((startKey) =>
          store.list(query, { limit: 1, startKey: startKey ?? first.lastKey }),
        );
        expect(pages.map(ids)).toEqual([numbers(1), []]);
      });

      it('limit 0 reads nothing and hands the cursor back', async () => {
        await seed();
        const page = await store.list({}, { limit: 2 });
        expect(await store.list({}, { limit: 0, startKey: page.lastKey })).toEqual({
          items: [],
          lastKey: page.lastKey,
        });
      });
    });

    describe('windows on CIs', () => {
      it('finds the windows starting in [from, to) on each CI, each CI in turn by planned start', async () => {
        await create(aChange(1, { ciIds: ['ci-a'], plannedStart: at(100), plannedEnd: at(200) }));
        await create(aChange(2, { ciIds: ['ci-a', 'ci-b'], plannedStart: at(50), plannedEnd: at(60) }));
        await create(aChange(3, { ciIds: ['ci-b'], plannedStart: at(300), plannedEnd: at(400) }));
        await create(aChange(4, { ciIds: ['ci-c'], plannedStart: at(100), plannedEnd: at(110) }));
        const windows = await store.windowsOnCis(['ci-a', 'ci-b'], at(50), at(300));
        expect(windows).toEqual([
          { changeId: 'CHG-000002', plannedStart: at(50), plannedEnd: at(60) },
          { changeId: 'CHG-000001', plannedStart: at(100), plannedEnd: at(200) },
          { changeId: 'CHG-000002', plannedStart: at(50), plannedEnd: at(60) },
        ]);
        expect(await store.windowsOnCis([], at(0), at(1000))).toEqual([]);
        expect(await store.windowsOnCis(['ci-a'], at(101), at(1000))).toEqual([]);
      });

      it('keeps the window given at creation, whatever later versions say, and whatever the status', async () => {
        const v1 = await create(aChange(1, { ciIds: ['ci-a'], plannedStart: at(100), plannedEnd: at(200) }));
        await update(v1, { status: 'cancelled', plannedStart: at(500), ciIds: ['ci-z'] });
        expect(await store.windowsOnCis(['ci-a'], at(0), at(1000))).toEqual([
          { changeId: v1.id, plannedStart: at(100), plannedEnd: at(200) },
        ]);
        expect(await store.windowsOnCis(['ci-z'], at(0), at(1000))).toEqual([]);
      });
    });

    describe('windows on services', () => {
      it('finds the windows of changes whose commit named the service, by planned start, per service', async () => {
        const one = await create(aChange(1, { ciIds: ['ci-a'], plannedStart: at(100), plannedEnd: at(200) }));
        const two = await create(aChange(2, { ciIds: ['ci-b'], plannedStart: at(50), plannedEnd: at(60) }));
        await create(aChange(3, { ciIds: ['ci-c'], plannedStart: at(70), plannedEnd: at(80) }));
        // The assessment records the services: on a later version, once each.
        await store.commit({
          before: one,
          after: next(one),
          history: anEntry(next(one)),
          services: ['svc-x', 'svc-x'],
        });
        await store.commit({
          before: two,
          after: next(two),
          history: anEntry(next(two)),
          services: ['svc-x', 'svc-y'],
        });
        expect(await store.windowsOnServices(['svc-x', 'svc-y'], at(0), at(300))).toEqual([
          { changeId: 'CHG-000002', serviceId: 'svc-x', plannedStart: at(50), plannedEnd: at(60) },
          { changeId: 'CHG-000001', serviceId: 'svc-x', plannedStart: at(100), plannedEnd: at(200) },
          { changeId: 'CHG-000002', serviceId: 'svc-y', plannedStart: at(50), plannedEnd: at(60) },
        ]);
        expect(await store.windowsOnServices(['svc-x'], at(60), at(300))).toEqual([
          { changeId: 'CHG-000001', serviceId: 'svc-x', plannedStart: at(100), plannedEnd: at(200) },
        ]);
        expect(await store.windowsOnServices([], at(0), at(1000))).toEqual([]);
      });

      it('keeps service claims apart from CI claims: a CI list or window read never sees them', async () => {
        const one = await create(aChange(1, { ciIds: ['ci-a'], plannedStart: at(100), plannedEnd: at(200) }));
        await store.commit({
          before: one,
          after: next(one),
          history: anEntry(next(one)),
          services: ['ci-b'],
        });
        expect(await store.windowsOnCis(['ci-b'], at(0), at(1000))).toEqual([]);
        expect((await store.list({ ciId: 'ci-b' }, { limit: 50 })).items).toEqual([]);
        expect(await store.windowsOnServices(['ci-a'], at(0), at(1000))).toEqual([]);
      });
    });

    describe('callbacks', () => {
      it('has none until the workflow registers one; then it is open with that token', async () => {
        const change = await create(aChange(1));
        expect(await store.getCallback(change.id, approvalKey)).toBeUndefined();
        await store.registerCallback(change.id, approvalKey, 'token-1', at(5));
        expect(await store.getCallback(change.id, approvalKey)).toEqual({
          key: approvalKey,
          taskToken: 'token-1',
          state: 'open',
          updatedAt: at(5),
        });
      });

      it('keeps one item per approval stage and group, implementation and review', async () => {
        const change = await create(aChange(1));
        const keys: CallbackKey[] = [
          approvalKey,
          { kind: 'approval', stage: 'cab', group: 'database' },
          { kind: 'approval', stage: 'change_manager', group: 'network' },
          { kind: 'implementation' },
          { kind: 'review' },
        ];
        for (const [i, key] of keys.entries()) await store.registerCallback(change.id, key, `t-${i}`, at(i));
        for (const [i, key] of keys.entries()) {
          expect((await store.getCallback(change.id, key))?.taskToken).toBe(`t-${i}`);
        }
        expect(await store.getCallback('CHG-000002', approvalKey)).toBeUndefined();
      });

      it('a fresh token replaces an open one; an answered callback takes none', async () => {
        const v1 = await create(aChange(1));
        await store.registerCallback(v1.id, approvalKey, 'token-1', at(5));
        await store.registerCallback(v1.id, approvalKey, 'token-2', at(6));
        expect((await store.getCallback(v1.id, approvalKey))?.taskToken).toBe('token-2');
        const v2 = next(v1);
        await store.commit({
          before: v1,
          after: v2,
          history: anEntry(v2),
          callback: { op: 'answer', key: approvalKey, taskToken: 'token-2' },
        });
        await expect(store.registerCallback(v1.id, approvalKey, 'token-3', at(8))).rejects.toBeInstanceOf(
          CallbackConflictError,
        );
      });

      it('registers with a commit, stamped with the entry’s time', async () => {
        const v1 = await create(aChange(1));
        const v2 = next(v1, { status: 'pending_approval' });
        const history = anEntry(v2);
        await store.commit({
          before: v1,
          after: v2,
          history,
          callback: { op: 'register', key: approvalKey, taskToken: 'token-1' },
        });
        expect(await store.getCallback(v1.id, approvalKey)).toEqual({
          key: approvalKey,
          taskToken: 'token-1',
          state: 'open',
          updatedAt: history.at,
        });
      });

      it('an answer claims the open token once: the token is dropped, a second claim conflicts and writes nothing', async () => {
        const v1 = await create(aChange(1));
        await store.registerCallback(v1.id, approvalKey, 'token-1', at(5));
        const v2 = next(v1, { title: 'answered' });
        const history = anEntry(v2);
        await store.commit({
          before: v1,
          after: v2,
          history,
          callback: { op: 'answer', key: approvalKey, taskToken: 'token-1' },
        });
        expect(await store.getCallback(v1.id, approvalKey)).toEqual({
          key: approvalKey,
          taskToken: null,
          state: 'answered',
          updatedAt: history.at,
        });
        const v3 = next(v2, { title: 'answered twice' });
        const error = await store
          .commit({
            before: v2,
            after: v3,
            history: anEntry(v3),
            callback: { op: 'answer', key: approvalKey, taskToken: 'token-1' },
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(CallbackConflictError);
        expect(error).toMatchObject({ changeId: v1.id, key: approvalKey });
        expect(await store.get(v1.id)).toEqual(v2);
        expect(await historyOf(v1.id)).toHaveLength(2);
      });

      it('an answer with another token, or with none registered, conflicts', async () => {
        const v1 = await create(aChange(1));
        const v2 = next(v1);
        const answer = (taskToken: string, key: CallbackKey = approvalKey) =>
          store.commit({
            before: v1,
            after: v2,
            history: anEntry(v2),
            callback: { op: 'answer', key, taskToken },
          });
        await expect(answer('token-1')).rejects.toBeInstanceOf(CallbackConflictError);
        await store.registerCallback(v1.id, approvalKey, 'token-1', at(5));
        await expect(answer('token-other')).rejects.toBeInstanceOf(CallbackConflictError);
        await expect(answer('token-1', { kind: 'review' })).rejects.toBeInstanceOf(CallbackConflictError);
        expect(await store.get(v1.id)).toEqual(v1);
      });

      it('a stale version wins over a callback conflict: the writer re-reads first', async () => {
        const v1 = await create(aChange(1));
        await update(v1);
        const lost = next(v1);
        await expect(
          store.commit({
            before: v1,
            after: lost,
            history: anEntry(lost),
            callback: { op: 'answer', key: approvalKey, taskToken: 'none' },
          }),
        ).rejects.toBeInstanceOf(StaleWriteError);
      });

      it('reopen gives an answered claim back, open without a token; only an answered one', async () => {
        let change = await create(aChange(1));
        await store.registerCallback(change.id, approvalKey, 'token-1', at(5));
        const write = async (op: 'answer' | 'reopen', when: number) => {
          const after = next(change);
          const callback =
            op === 'answer' ? { op, key: approvalKey, taskToken: 'token-1' } : { op, key: approvalKey };
          await store.commit({ before: change, after, history: anEntry(after, op, at(when)), callback });
          change = after;
        };
        await expect(write('reopen', 6)).rejects.toBeInstanceOf(CallbackConflictError);
        await write('answer', 7);
        await write('reopen', 8);
        expect(await store.getCallback(change.id, approvalKey)).toEqual({
          key: approvalKey,
          taskToken: null,
          state: 'open',
          updatedAt: at(8),
        });
        // Open but without a token: the next answer waits for the workflow's fresh one.
        await expect(write('answer', 9)).rejects.toBeInstanceOf(CallbackConflictError);
        await store.registerCallback(change.id, approvalKey, 'token-1', at(10));
        await write('answer', 11);
      });

      it('retire drops an open token and keeps the callback open; an answered or absent one conflicts', async () => {
        let change = await create(aChange(1));
        const retire = async (key: CallbackKey, when: number) => {
          const after = next(change);
          await store.commit({
            before: change,
            after,
            history: anEntry(after, 'retire', at(when)),
            callback: { op: 'retire', key },
          });
          change = after;
        };
        await expect(retire(approvalKey, 4)).rejects.toBeInstanceOf(CallbackConflictError);
        await store.registerCallback(change.id, approvalKey, 'token-1', at(5));
        await retire(approvalKey, 6);
        expect(await store.getCallback(change.id, approvalKey)).toEqual({
          key: approvalKey,
          taskToken: null,
          state: 'open',
          updatedAt: at(6),
        });
        await store.registerCallback(change.id, approvalKey, 'token-2', at(7));
        const answered = next(change);
        await store.commit({
          before: change,
          after: answered,
          history: anEntry(answered, 'answer', at(8)),
          callback: { op: 'answer', key: approvalKey, taskToken: 'token-2' },
        });
        change = answered;
        await expect(retire(approvalKey, 9)).rejects.toBeInstanceOf(CallbackConflictError);
      });
    });
  });
}
