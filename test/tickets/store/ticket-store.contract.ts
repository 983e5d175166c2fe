import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../functions/shared/authz.js';
import { type PageRequest, StaleWriteError } from '../../../functions/shared/store.js';
import { withAutoClose } from '../../../functions/tickets/auto-close.js';
import { linkTickets } from '../../../functions/tickets/links.js';
import type { Comment, HistoryEntry, Ticket } from '../../../functions/tickets/model.js';
import {
  addComment,
  applyUpdate,
  creationHistory,
  type Stamp,
  type UpdateTicketInput,
  updateHistory,
} from '../../../functions/tickets/rules.js';
import { withSla } from '../../../functions/tickets/service.js';
import type { TicketQuery, TicketStore } from '../../../functions/tickets/store/ticket-store.js';
import { agent, alice, ticket } from '../../domain/fixtures.js';
import { at, defaultSlaConfig } from '../../sla/fixtures.js';

/**
 * The first history id of a commit is its DynamoDB request token, and DynamoDB Local keeps tokens
 * for the whole instance (every table, every test file of the run) for ten minutes: ids here are
 * unique to this run, and zero-padded so that entries stamped at the same instant sort in order.
 */
const RUN = randomBytes(4).toString('hex');
let stamps = 0;
function stamp(now = at(0)): Stamp {
  stamps += 1;
  return { now, eventId: `evt-${RUN}-${String(stamps).padStart(6, '0')}` };
}

export interface TicketStoreUnderTest {
  readonly store: TicketStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * What every TicketStore adapter must do, as the use cases (TicketService, the SLA sweeper, the
 * report, the mail gateway) rely on it. Run against the in-memory adapter
 * (ticket-store.memory.test.ts, unit project) and DynamoDB Local (ticket-store.dynamodb.test.ts,
 * integration project): passing both is what lets use-case tests run on the in-memory one.
 * `makeStore` gives each test an empty store.
 */
export function ticketStoreContract(name: string, makeStore: () => Promise<TicketStoreUnderTest>): void {
  describe(`TicketStore contract: ${name}`, () => {
    let store: TicketStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function create(overrides: Partial<Ticket> = {}): Promise<Ticket> {
      const t = ticket(overrides);
      await store.commit([{ after: t, history: creationHistory(t, alice, stamp(t.createdAt)) }]);
      return t;
    }

    async function update(
      before: Ticket,
      input: UpdateTicketInput,
      now = before.updatedAt,
      caller: Caller = agent,
    ): Promise<Ticket> {
      const s = stamp(now);
      const result = applyUpdate(before, input, caller, s);
      await store.commit([
        { before, after: result.ticket, history: updateHistory(before, result, caller, s) },
      ]);
      return result.ticket;
    }

    async function comment(
      before: Ticket,
      body: string,
      visibility: Comment['visibility'],
      now: string,
    ): Promise<{ ticket: Ticket; comment: Comment }> {
      const s = stamp(now);
      const result = addComment(before, { body, visibility }, agent, { ...s, commentId: `c-${s.eventId}` });
      await store.commit([
        { before, after: result.ticket, history: result.history, comment: result.comment },
      ]);
      return result;
    }

    /** Every page of a list, following resume keys; also how many pages it took. */
    async function readAll<T>(
      list: (page: PageRequest) => Promise<{ items: T[]; lastKey?: Record<string, unknown> }>,
      limit: number,
    ): Promise<{ items: T[]; pages: T[][] }> {
      const items: T[] = [];
      const pages: T[][] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await list({ limit, startKey });
        items.push(...page.items);
        pages.push(page.items);
        startKey = page.lastKey;
      } while (startKey && pages.length < 50);
      return { items, pages };
    }

    const ids = async (query: TicketQuery, limit = 50) =>
      (await readAll((page) => store.list(query, page), limit)).items.map((t) => t.id);

    const historyOf = async (id: string) => (await store.listHistory(id, { limit: 100 })).items;

    describe('sequences', () => {
      it('numbers each type from 1 without gaps, each type on its own', async () => {
        expect(await store.nextSequence('problem')).toBe(1);
        expect(await store.nextSequence('problem')).toBe(2);
        expect(await store.nextSequence('incident')).toBe(1);
        const drawn = await Promise.all(
          Array.from({ length: 5 }, () => store.nextSequence('service_request')),
        );
        expect(drawn.sort()).toEqual([1, 2, 3, 4, 5]);
        expect(await store.nextSequence('problem')).toBe(3);
      });
    });

    describe('reads and conditional commits', () => {
      it('an absent ticket reads as undefined, and has no comments or history', async () => {
        expect(await store.get('INC-000404')).toBeUndefined();
        expect(await store.listComments('INC-000404', { limit: 10 }, { publicOnly: false })).toEqual({
          items: [],
        });
        expect(await store.listHistory('INC-000404', { limit: 10 })).toEqual({ items: [] });
      });

      it('round-trips a ticket exactly, with no attribute of its own', async () => {
        const t = await create({ id: 'INC-000100', ciIds: ['db1'], assignee: 'ann', group: 'net' });
        const read = await store.get(t.id);
        expect(read).toEqual(t);
        expect(Object.keys(read!).sort()).toEqual(Object.keys(t).sort());
        // A read hint may let a caching decorator answer; the store itself still answers current.
        expect(await store.get(t.id, { recent: true })).toEqual(t);
        expect(await store.get(t.id, { version: 1 })).toEqual(t);
      });

      it('stores no undefined properties (the document client drops them)', async () => {
        const t = { ...ticket({ id: 'INC-000101' }), scratch: undefined } as Ticket;
        await store.commit([{ after: t, history: creationHistory(t, alice, stamp()) }]);
        const read = await store.get(t.id);
        expect(read).not.toHaveProperty('scratch');
      });

      it('hands out copies: changing what was written or what was read changes nothing stored', async () => {
        const t = ticket({ id: 'INC-000102', ciIds: ['a'] });
        const history = creationHistory(t, alice, stamp());
        await store.commit([{ after: t, history }]);
        (t as { title: string }).title = 'changed after the commit';
        (t.ciIds as string[]).push('b');
        (history.events as unknown[]).length = 0;
        const read = (await store.get(t.id))!;
        (read as { title: string }).title = 'changed after the read';
        (read.requester as { id: string }).id = 'mallory';
        expect(await store.get(t.id)).toMatchObject({
          title: 'VPN down',
          ciIds: ['a'],
          requester: { id: 'alice' },
        });
        expect((await historyOf(t.id))[0]!.events).toHaveLength(1);
      });

      it('creating an id that exists fails, writes nothing and is not a stale write', async () => {
        const t = await create({ id: 'INC-000103' });
        const again = { ...t, title: 'a second create' };
        const error = await store
          .commit([{ after: again, history: creationHistory(again, alice, stamp()) }])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(StaleWriteError);
        expect(await store.get(t.id)).toEqual(t);
        expect(await historyOf(t.id)).toHaveLength(1);
      });

      it('a stale version fails the whole commit: StaleWriteError with the current version, nothing written', async () => {
        const t = await create({ id: 'INC-000104', ciIds: ['a'] });
        const current = await update(t, { status: 'in_progress' });
        const s = stamp();
        const result = addComment(t, { body: 'from a stale read', visibility: 'public' }, agent, {
          ...s,
          commentId: 'c-stale',
        });
        const moved = applyUpdate(result.ticket, { ciIds: ['b'] }, agent, s);
        const error = await store
          .commit([{ before: t, after: moved.ticket, history: result.history, comment: result.comment }])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleWriteError);
        expect(error).toMatchObject({ recordId: t.id, currentVersion: 2 });
        expect(await store.get(t.id)).toEqual(current);
        expect((await historyOf(t.id)).map((h) => h.action)).toEqual(['created', 'updated']);
        expect((await store.listComments(t.id, { limit: 10 }, { publicOnly: false })).items).toEqual([]);
        expect(await ids({ ciId: 'a' })).toEqual([t.id]);
        expect(await ids({ ciId: 'b' })).toEqual([]);
      });

      it('a write to a ticket that is not there is stale, with no current version', async () => {
        const ghost = ticket({ id: 'INC-000105' });
        const error = await update(ghost, { title: 'boo' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleWriteError);
        expect((error as StaleWriteError).currentVersion).toBeUndefined();
        expect(await store.get(ghost.id)).toBeUndefined();
        expect(await historyOf(ghost.id)).toEqual([]);
      });

      it('a commit of two tickets lands whole: both tickets, both history entries', async () => {
        const inc = await create({ id: 'INC-000106' });
        const prb = await create({ id: 'PRB-000106', type: 'problem' });
        const result = linkTickets(inc, prb, 'caused_by', agent, [stamp(), stamp()]);
        await store.commit([
          { before: inc, after: result.source, history: result.histories[0] },
          { before: prb, after: result.target, history: result.histories[1] },
        ]);
        expect(await store.get(inc.id)).toEqual(result.source);
        expect(await store.get(prb.id)).toEqual(result.target);
        expect((await historyOf(inc.id)).at(-1)).toEqual(result.histories[0]);
        expect((await historyOf(prb.id)).at(-1)).toEqual(result.histories[1]);
      });

      it('one stale ticket cancels a commit of two: StaleWriteError names it, the other is not written', async () => {
        const inc = await create({ id: 'INC-000107' });
        const prb = await create({ id: 'PRB-000107', type: 'problem' });
        const prbNow = await update(prb, { status: 'in_progress' });
        const result = linkTickets(inc, prb, 'caused_by', agent, [stamp(), stamp()]);
        const error = await store
          .commit([
            { before: inc, after: result.source, history: result.histories[0] },
            { before: prb, after: result.target, history: result.histories[1] },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleWriteError);
        expect(error).toMatchObject({ recordId: prb.id, currentVersion: 2 });
        expect(await store.get(inc.id)).toEqual(inc);
        expect(await store.get(prb.id)).toEqual(prbNow);
        expect(await historyOf(inc.id)).toHaveLength(1);
        expect(await historyOf(prb.id)).toHaveLength(2);
      });

      it('a history entry already recorded cancels the whole commit (no partial write)', async () => {
        const a = await create({ id: 'INC-000108' });
        const b = await create({ id: 'INC-000109' });
        const s = stamp();
        const first = applyUpdate(b, { title: 'first' }, agent, s);
        await store.commit([{ before: b, after: first.ticket, history: updateHistory(b, first, agent, s) }]);
        // The same history key (time and id) on b again, led by a fresh write to a.
        const aChange = applyUpdate(a, { title: 'a changed' }, agent, stamp());
        const bChange = applyUpdate(first.ticket, { title: 'second' }, agent, s);
        const error = await store
          .commit([
            { before: a, after: aChange.ticket, history: updateHistory(a, aChange, agent, stamp()) },
            { before: first.ticket, after: bChange.ticket, history: updateHistory(b, bChange, agent, s) },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(StaleWriteError);
        expect(await store.get(a.id)).toEqual(a);
        expect(await store.get(b.id)).toEqual(first.ticket);
        expect(await historyOf(a.id)).toHaveLength(1);
      });

      it('the same commit sent again (its request token, the first history id) is applied once', async () => {
        const t = await create({ id: 'INC-000110' });
        const result = addComment(t, { body: 'once', visibility: 'public' }, agent, {
          ...stamp(),
          commentId: 'c-once',
        });
        const writes = [
          { before: t, after: result.ticket, history: result.history, comment: result.comment },
        ];
        await store.commit(writes);
        await store.commit(writes);
        expect(await store.get(t.id)).toEqual(result.ticket);
        expect((await store.listComments(t.id, { limit: 10 }, { publicOnly: false })).items).toEqual([
          result.comment,
        ]);
        expect(await historyOf(t.id)).toHaveLength(2);
      });

      it('a request token that landed is refused for a different commit', async () => {
        const t = await create({ id: 'INC-000111' });
        const s = stamp();
        const first = applyUpdate(t, { title: 'first' }, agent, s);
        await store.commit([{ before: t, after: first.ticket, history: updateHistory(t, first, agent, s) }]);
        const other = applyUpdate(first.ticket, { title: 'other' }, agent, s);
        const error = await store
          .commit([{ before: first.ticket, after: other.ticket, history: updateHistory(t, other, agent, s) }])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(StaleWriteError);
        expect((await store.get(t.id))!.title).toBe('first');
      });
    });

    describe('lists', () => {
      it('CI membership follows ciIds', async () => {
        const t = await create({ id: 'INC-000200', ciIds: ['a', 'b'] });
        const moved = await update(t, { ciIds: ['b', 'c'] });
        expect(await ids({ ciId: 'a' })).toEqual([]);
        expect(await ids({ ciId: 'b' })).toEqual([t.id]);
        expect(await ids({ ciId: 'c' })).toEqual([t.id]);
        const other = await create({ id: 'INC-000201', createdAt: at(1), ciIds: ['c'] });
        expect(await ids({ ciId: 'c' })).toEqual([other.id, t.id]);
        await update(moved, { ciIds: [] });
        expect(await ids({ ciId: 'b' })).toEqual([]);
        expect(await ids({ ciId: 'c' })).toEqual([other.id]);
        expect(await ids({ ciId: 'c', status: 'in_progress' })).toEqual([]);
      });

      it('serves every filter, newest first, narrowing by the others', async () => {
        const zed = { id: 'zed', email: null, name: null };
        const base = { requester: zed };
        await create({ ...base, id: 'INC-000210', createdAt: at(1), assignee: 'ann', group: 'net' });
        const second = await create({ ...base, id: 'INC-000211', createdAt: at(2), assignee: 'ann' });
        await update(second, { status: 'in_progress' }, at(5));
        await create({
          ...base,
          id: 'PRB-000212',
          type: 'problem',
          createdAt: at(3),
          group: 'net',
          priority: 1,
          ciIds: ['db'],
        });
        await create({ id: 'REQ-000213', type: 'service_request', createdAt: at(4), priority: 1 });
        expect(await ids({ requester: 'zed' })).toEqual(['PRB-000212', 'INC-000211', 'INC-000210']);
        expect(await ids({ assignee: 'ann' })).toEqual(['INC-000211', 'INC-000210']);
        expect(await ids({ group: 'net', type: 'problem' })).toEqual(['PRB-000212']);
        expect(await ids({ requester: 'zed', status: 'in_progress' })).toEqual(['INC-000211']);
        expect(await ids({ status: 'new' })).toEqual(['REQ-000213', 'PRB-000212', 'INC-000210']);
        expect(await ids({ priority: 1 })).toEqual(['REQ-000213', 'PRB-000212']);
        expect(await ids({ type: 'incident' })).toEqual(['INC-000211', 'INC-000210']);
        expect(await ids({ ciId: 'db', requester: 'zed' })).toEqual(['PRB-000212']);
        expect(await ids({})).toEqual(['REQ-000213', 'PRB-000212', 'INC-000211', 'INC-000210']);
        expect(await ids({ requester: 'alice' })).toEqual(['REQ-000213']);
        expect(await ids({ assignee: 'nobody' })).toEqual([]);
        expect(await ids({ group: 'net', status: 'closed' })).toEqual([]);
      });

      it('lists the ticket as last written (every filter sees the new values)', async () => {
        const t = await create({ id: 'INC-000220', assignee: 'ann' });
        await update(t, { assignee: 'bo', group: 'net', status: 'in_progress' });
        expect(await ids({ assignee: 'ann' })).toEqual([]);
        expect(await ids({ assignee: 'bo' })).toEqual([t.id]);
        expect(await ids({ status: 'new' })).toEqual([]);
        const [listed] = (await store.list({ group: 'net' }, { limit: 10 })).items;
        expect(listed).toMatchObject({ id: t.id, assignee: 'bo', status: 'in_progress', version: 2 });
      });

      it('pages resume exactly where they stopped', async () => {
        const requester = { id: 'pager', email: null, name: null };
        for (let i = 0; i < 5; i++) {
          await create({ id: `REQ-00030${i}`, type: 'service_request', requester, createdAt: at(i) });
        }
        const { items, pages } = await readAll((page) => store.list({ requester: 'pager' }, page), 2);
        expect(items.map((t) => t.id)).toEqual([
          'REQ-000304',
          'REQ-000303',
          'REQ-000302',
          'REQ-000301',
          'REQ-000300',
        ]);
        expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      });

      it('a page that reads exactly to the end still carries a resume key; the next page is empty', async () => {
        await create({ id: 'INC-000310', createdAt: at(1) });
        await create({ id: 'INC-000311', createdAt: at(2) });
        const first = await store.list({}, { limit: 2 });
        expect(first.items.map((t) => t.id)).toEqual(['INC-000311', 'INC-000310']);
        expect(first.lastKey).toBeDefined();
        expect(await store.list({}, { limit: 2, startKey: first.lastKey })).toEqual({ items: [] });
        expect((await store.list({}, { limit: 3 })).lastKey).toBeUndefined();
      });

      it('a filter that discards much gives short pages, even empty ones, each with a resume key', async () => {
        const requester = { id: 'sparse', email: null, name: null };
        await create({ id: 'INC-000320', requester, createdAt: at(0), assignee: 'ann' });
        for (let i = 1; i <= 6; i++) {
          await create({ id: `INC-00032${i}`, requester, createdAt: at(i) });
        }
        await create({ id: 'INC-000327', requester, createdAt: at(7), assignee: 'ann' });
        // requester is the index; assignee narrows. Limit 1: a narrowed page reads ahead four items a
        // query, three queries at most, and resumes right after the ticket it gives.
        const query = { requester: 'sparse', assignee: 'ann' };
        const { items, pages } = await readAll((page) => store.list(query, page), 1);
        expect(items.map((t) => t.id)).toEqual(['INC-000327', 'INC-000320']);
        expect(pages.map((page) => page.length)).toEqual([1, 1]);
        for (let i = 8; i <= 9; i++) await create({ id: `INC-00032${i}`, requester, createdAt: at(i) });
        for (let i = 0; i <= 9; i++) await create({ id: `INC-00033${i}`, requester, createdAt: at(-20 + i) });
        for (let i = 0; i <= 4; i++) await create({ id: `INC-00031${i}`, requester, createdAt: at(-26 + i) });
        await create({ id: 'INC-000319', requester, createdAt: at(-30), assignee: 'ann' });
        // Past twelve discarded tickets (three queries of four) a page comes back empty, with a resume key.
        const sparse = await readAll((page) => store.list(query, page), 1);
        expect(sparse.items.map((t) => t.id)).toEqual(['INC-000327', 'INC-000320', 'INC-000319']);
        expect(sparse.pages.map((page) => page.length)).toEqual([1, 1, 0, 1, 0]);
      });

      it('several requesters list as one, newest first, each page resuming every partition where it stopped', async () => {
        // One person under three ids (docs/api.md#one-person-across-channels), interleaved in time.
        const plan: [string, string, number, string | null][] = [
          ['INC-000340', 'person:p@example.com', 0, 'ann'],
          ['INC-000341', 'p@example.com', 1, null],
          ['INC-000342', 'uid-p', 2, 'ann'],
          ['INC-000343', 'person:p@example.com', 3, null],
          ['INC-000344', 'someone-else', 4, 'ann'],
          ['INC-000345', 'person:p@example.com', 5, null],
          ['INC-000346', 'uid-p', 6, null],
          ['INC-000347', 'p@example.com', 7, 'ann'],
        ];
        for (const [id, requester, minute, assignee] of plan) {
          await create({
            id,
            requester: { id: requester, email: null, name: null },
            createdAt: at(minute),
            assignee,
          });
        }
        const requesters = ['uid-p', 'person:p@example.com', 'p@example.com'];
        const mine = [
          'INC-000347',
          'INC-000346',
          'INC-000345',
          'INC-000343',
          'INC-000342',
          'INC-000341',
          'INC-000340',
        ];
        for (const limit of [1, 2, 3, 50]) {
          const { items, pages } = await readAll((page) => store.list({ requesters }, page), limit);
          expect(items.map((t) => t.id)).toEqual(mine);
          expect(pages.every((page) => page.length <= limit)).toBe(true);
        }
        // The other filters narrow it, across short pages too.
        const assigned = await readAll((page) => store.list({ requesters, assignee: 'ann' }, page), 1);
        expect(assigned.items.map((t) => t.id)).toEqual(['INC-000347', 'INC-000342', 'INC-000340']);
        expect(await ids({ requesters: ['uid-p', 'nobody'] })).toEqual(['INC-000346', 'INC-000342']);
        expect(await ids({ requesters: ['uid-p', 'uid-p'] })).toEqual(['INC-000346', 'INC-000342']);
        expect(await ids({ requesters: ['uid-p'] })).toEqual(['INC-000346', 'INC-000342']);
        expect(await ids({ requesters: [] })).toEqual([]);
        expect(await ids({ requesters, status: 'closed' })).toEqual([]);
      });

      it('pages of a CI list resume too', async () => {
        for (let i = 0; i < 5; i++) await create({ id: `INC-00033${i}`, createdAt: at(i), ciIds: ['core'] });
        const { items } = await readAll((page) => store.list({ ciId: 'core' }, page), 2);
        expect(items.map((t) => t.id)).toEqual([
          'INC-000334',
          'INC-000333',
          'INC-000332',
          'INC-000331',
          'INC-000330',
        ]);
      });
    });

    describe('comments and history', () => {
      it('comments come oldest first; publicOnly leaves internal notes out, across pages', async () => {
        let t = await create({ id: 'INC-000400' });
        const bodies: [string, Comment['visibility']][] = [
          ['one', 'public'],
          ['two', 'internal'],
          ['three', 'internal'],
          ['four', 'public'],
          ['five', 'internal'],
          ['six', 'public'],
        ];
        const written: Comment[] = [];
        for (const [i, [body, visibility]] of bodies.entries()) {
          const result = await comment(t, body, visibility, at(i + 1));
          t = result.ticket;
          written.push(result.comment);
        }
        const other = await create({ id: 'INC-000401' });
        await comment(other, 'elsewhere', 'public', at(1));
        const all = await readAll((page) => store.listComments(t.id, page, { publicOnly: false }), 4);
        expect(all.items).toEqual(written);
        const open = await readAll((page) => store.listComments(t.id, page, { publicOnly: true }), 2);
        expect(open.items.map((c) => c.body)).toEqual(['one', 'four', 'six']);
        expect(open.pages.map((page) => page.length)).toEqual([2, 1]);
        expect((await store.get(t.id))!.version).toBe(7);
      });

      it('history comes oldest first, each entry as written (events and changes included)', async () => {
        const t = await create({ id: 'INC-000410', createdAt: at(0) });
        const s1 = stamp(at(1));
        const first = applyUpdate(t, { status: 'in_progress', assignee: 'ann' }, agent, s1);
        const entry1 = updateHistory(t, first, agent, s1);
        await store.commit([{ before: t, after: first.ticket, history: entry1 }]);
        const s2 = stamp(at(2));
        const second = applyUpdate(first.ticket, { title: 'renamed' }, agent, s2);
        const entry2: HistoryEntry = {
          ...updateHistory(first.ticket, second, agent, s2),
          events: [
            ...updateHistory(first.ticket, second, agent, s2).events,
            { detailType: 'Something Else', detail: { ticketId: t.id, changes: [{ field: 'x' }] } },
          ],
        };
        await store.commit([{ before: first.ticket, after: second.ticket, history: entry2 }]);
        const entries = await historyOf(t.id);
        expect(entries.map((h) => h.action)).toEqual(['created', 'updated', 'updated']);
        expect(entries[1]).toEqual(entry1);
        expect(entries[2]).toEqual(entry2);
        const paged = await readAll((page) => store.listHistory(t.id, page), 1);
        expect(paged.items).toEqual(entries);
      });
    });

    describe('what the SLA sweeper reads', () => {
      /** A P1 ticket (24x7: warning at +12 min, due at +15) with its clocks started. */
      async function createP1(id: string, minute: number): Promise<Ticket> {
        const draft = ticket({
          id,
          createdAt: at(minute),
          updatedAt: at(minute),
          impact: 1,
          urgency: 1,
          priority: 1,
        });
        return create(withSla(undefined, draft, defaultSlaConfig, stamp(at(minute))).ticket);
      }

      async function change(before: Ticket, input: UpdateTicketInput, now: string): Promise<Ticket> {
        const s = stamp(now);
        const result = applyUpdate(before, input, agent, s);
        const scheduled = withAutoClose(before, result.ticket, 7);
        const { ticket: after } = withSla(before, scheduled, defaultSlaConfig, s);
        await store.commit([{ before, after, history: updateHistory(before, result, agent, s) }]);
        return after;
      }

      const due = async (until: string, limit = 50) =>
        (await readAll((page) => store.listSlaDue(until, page), limit)).items.map((t) => t.id);

      it('tickets whose next deadline is at or before the instant, earliest first', async () => {
        await createP1('INC-000501', 5); // warns at +17
        await createP1('INC-000500', 0); // warns at +12
        await create({ id: 'INC-000502', createdAt: at(0) }); // no SLA: never listed
        expect(await due(at(11))).toEqual([]);
        expect(await due(at(12))).toEqual(['INC-000500']);
        expect(await due(at(17))).toEqual(['INC-000500', 'INC-000501']);
        expect(await due(at(10_000), 1)).toEqual(['INC-000500', 'INC-000501']);
      });

      it('a recorded warning moves the ticket to its due time; a met, paused or final one leaves', async () => {
        const warned = await createP1('INC-000510', 0);
        const met = await createP1('INC-000511', 0);
        const paused = await createP1('INC-000512', 0);
        const cancelled = await createP1('INC-000513', 0);
        // What the sweeper writes when it records the warning.
        const after: Ticket = {
          ...warned,
          sla: { ...warned.sla!, firstResponse: { ...warned.sla!.firstResponse, warnedAt: at(12) } },
          version: 2,
        };
        await store.commit([
          {
            before: warned,
            after,
            history: { ...creationHistory(warned, agent, stamp(at(13))), action: 'sla' },
          },
        ]);
        await change(met, { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } }, at(1));
        await change(paused, { status: 'on_hold', holdReason: 'awaiting_vendor' }, at(1));
        await change(cancelled, { status: 'cancelled' }, at(1));
        expect(await due(at(14))).toEqual([]);
        expect(await due(at(15))).toEqual(['INC-000510']);
      });

      it('a resolved ticket is listed at its auto-close time, and leaves when reopened', async () => {
        // P5: no SLA clocks, so only the auto-close puts it on the sweeper's list.
        const t = await create({ id: 'INC-000520', createdAt: at(0), impact: 3, urgency: 3, priority: 5 });
        const resolved = await change(
          t,
          { status: 'resolved', resolution: { code: 'fixed', notes: 'x' } },
          at(60),
        );
        expect(resolved.autoCloseAt).toBe(at(60 + 7 * 24 * 60));
        expect(await due(at(7 * 24 * 60))).toEqual([]);
        expect(await due(at(60 + 7 * 24 * 60))).toEqual(['INC-000520']);
        await change(resolved, { status: 'in_progress' }, at(120));
        expect(await due(at(100 * 24 * 60))).toEqual([]);
      });
    });

    describe('what the SLA report reads', () => {
      it('tickets created in [from, to), newest first, across pages', async () => {
        await create({ id: 'INC-000600', createdAt: at(-1) });
        await create({ id: 'INC-000601', createdAt: at(0) });
        await create({ id: 'PRB-000602', type: 'problem', createdAt: at(30) });
        await create({ id: 'REQ-000603', type: 'service_request', createdAt: at(59) });
        await create({ id: 'INC-000604', createdAt: at(60) });
        const { items } = await readAll((page) => store.listCreatedBetween(at(0), at(60), page), 2);
        expect(items.map((t) => t.id)).toEqual(['REQ-000603', 'PRB-000602', 'INC-000601']);
        expect((await store.listCreatedBetween(at(100), at(200), { limit: 10 })).items).toEqual([]);
      });
    });
  });
}
