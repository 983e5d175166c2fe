import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageRequest } from '../../../functions/shared/store.js';
import type { TicketSla } from '../../../functions/sla/model.js';
import type { Ticket } from '../../../functions/tickets/model.js';
import { TICKET_SORTS, type TicketQuery } from '../../../functions/tickets/queue.js';
import { creationHistory } from '../../../functions/tickets/rules.js';
import type { TicketStore } from '../../../functions/tickets/store/ticket-store.js';
import { alice, ticket } from '../../domain/fixtures.js';
import { at } from '../../sla/fixtures.js';
import type { TicketStoreUnderTest } from './ticket-store.contract.js';

const RUN = randomBytes(4).toString('hex');
let stamps = 0;
const stamp = (now: string) => ({ now, eventId: `q-${RUN}-${String(++stamps).padStart(6, '0')}` });

/** An SLA whose resolution clock is due at `dueAt` (breached when `breached`), first response met. */
export function slaDueAt(dueAt: string, breached = false): TicketSla {
  const clock = {
    targetMinutes: 60,
    startedAt: at(0),
    dueAt,
    warnAt: dueAt,
    metAt: null,
    warnedAt: null,
    breachedAt: breached ? dueAt : null,
    pausedMs: 0,
    pauses: [],
  };
  return {
    policyId: 'p',
    calendarId: 'always-on',
    firstResponse: { ...clock, metAt: at(1) },
    resolution: clock,
    pendingNotices: [],
  };
}

/**
 * Agent queues (docs/api.md#lists-and-pagination) as every TicketStore adapter must serve them:
 * multi-value and `none` filters, date ranges, the five sorts, paging across merged partitions,
 * and queues that follow each write.
 */
export function ticketQueueContract(name: string, makeStore: () => Promise<TicketStoreUnderTest>): void {
  describe(`TicketStore queues: ${name}`, () => {
    let store: TicketStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function create(overrides: Partial<Ticket>): Promise<Ticket> {
      const t = ticket(overrides);
      await store.commit([{ after: t, history: creationHistory(t, alice, stamp(t.createdAt)) }]);
      return t;
    }

    async function readAll(query: TicketQuery, limit: number) {
      const items: Ticket[] = [];
      let pages = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const request: PageRequest = startKey ? { limit, startKey } : { limit };
        const page = await store.list(query, request);
        items.push(...page.items);
        startKey = page.lastKey;
        pages += 1;
      } while (startKey && pages < 60);
      return items.map((t) => t.id);
    }

    /** A desk: 12 tickets over two groups, some unassigned, priorities 1–5, SLAs due at different times. */
    async function desk(): Promise<Ticket[]> {
      const specs: Partial<Ticket>[] = [
        { group: 'net', assignee: null, priority: 1, type: 'incident', sla: slaDueAt(at(90)) },
        { group: 'net', assignee: 'ann', priority: 2, type: 'incident', sla: slaDueAt(at(30)) },
        { group: 'net', assignee: null, priority: 2, type: 'incident', sla: slaDueAt(at(20), true) },
        { group: 'net', assignee: null, priority: 3, type: 'incident', sla: slaDueAt(at(10)) },
        { group: 'net', assignee: null, priority: 2, type: 'service_request', sla: slaDueAt(at(5)) },
        { group: 'desk', assignee: null, priority: 1, type: 'incident', sla: slaDueAt(at(15)) },
        { group: 'desk', assignee: 'bob', priority: 4, type: 'incident', sla: null, status: 'in_progress' },
        { group: null, assignee: null, priority: 5, type: 'problem', sla: null, source: 'email' },
        { group: 'net', assignee: null, priority: 1, type: 'incident', sla: null, status: 'in_progress' },
        {
          group: 'net',
          assignee: 'ann',
          priority: 3,
          type: 'incident',
          sla: slaDueAt(at(60)),
          serviceId: 'svc-vpn',
        },
        {
          group: 'desk',
          assignee: null,
          priority: 2,
          type: 'incident',
          sla: slaDueAt(at(45)),
          source: 'alert',
        },
        {
          group: 'net',
          assignee: null,
          priority: 2,
          type: 'incident',
          sla: slaDueAt(at(25)),
          status: 'on_hold',
        },
      ];
      const made: Ticket[] = [];
      for (const [i, spec] of specs.entries()) {
        // Created a minute apart, updated in another order, so every sort differs.
        made.push(
          await create({
            id: `INC-${String(100 + i).padStart(6, '0')}`,
            createdAt: at(i),
            updatedAt: at(100 + ((i * 7) % 12)),
            status: 'new',
            ...spec,
          }),
        );
      }
      return made;
    }

    const idOf = (i: number) => `INC-${String(100 + i).padStart(6, '0')}`;

    it('several values per filter: one list over their partitions, newest first, across pages', async () => {
      await desk();
      const expected = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map(idOf);
      expect(await readAll({ status: ['new', 'in_progress', 'on_hold'] }, 2)).toEqual(expected);
      expect(await readAll({ status: ['in_progress', 'on_hold'] }, 1)).toEqual([11, 8, 6].map(idOf));
      expect(await readAll({ priority: [1, 5] }, 2)).toEqual([8, 7, 5, 0].map(idOf));
    });

    it('assignee=none and group=none are queues of their own', async () => {
      await desk();
      expect(await readAll({ assignee: null, group: 'desk' }, 2)).toEqual([10, 5].map(idOf));
      expect(await readAll({ group: null }, 5)).toEqual([idOf(7)]);
      expect(await readAll({ assignee: [null, 'bob'], group: 'desk' }, 1)).toEqual([10, 6, 5].map(idOf));
    });

    it('every sort orders the whole queue the same, whatever the page size', async () => {
      await desk();
      const orders: Record<(typeof TICKET_SORTS)[number], number[]> = {
        newest: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        oldest: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        // updatedAt = at(100 + (i*7 % 12)): i → 0,7,2,9,4,11,6,1,8,3,10,5
        updated: [5, 10, 3, 8, 1, 6, 11, 4, 9, 2, 7, 0],
        priority: [0, 5, 8, 1, 2, 4, 10, 11, 3, 9, 6, 7],
        // Next due: 4@5, 3@10, 5@15, 2@20 (breached), 11@25, 1@30, 10@45, 9@60, 0@90; none due: 6, 7, 8 oldest first.
        sla: [4, 3, 5, 2, 11, 1, 10, 9, 0, 6, 7, 8],
      };
      for (const sort of TICKET_SORTS) {
        for (const limit of [1, 5, 25]) {
          expect({ sort, limit, ids: await readAll({ sort }, limit) }).toEqual({
            sort,
            limit,
            ids: orders[sort].map(idOf),
          });
        }
      }
    });

    it('"unassigned P1–P2 incidents in my group, next breach first"', async () => {
      await desk();
      const query: TicketQuery = {
        group: 'net',
        assignee: null,
        priority: [1, 2],
        type: 'incident',
        sort: 'sla',
      };
      expect(await readAll(query, 2)).toEqual([2, 11, 0, 8].map(idOf));
      expect(await readAll({ ...query, status: ['new', 'in_progress'] }, 1)).toEqual([2, 0, 8].map(idOf));
    });

    it('date ranges bound the created and updated orders; other filters narrow', async () => {
      await desk();
      expect(await readAll({ createdFrom: at(3), createdTo: at(5) }, 2)).toEqual([5, 4, 3].map(idOf));
      expect(await readAll({ createdFrom: at(9), sort: 'oldest' }, 1)).toEqual([9, 10, 11].map(idOf));
      expect(await readAll({ updatedSince: at(109), sort: 'updated' }, 2)).toEqual([5, 10, 3].map(idOf));
      expect(await readAll({ updatedSince: at(109), sort: 'priority' }, 2)).toEqual([5, 10, 3].map(idOf));
      expect(await readAll({ slaBreached: true }, 5)).toEqual([idOf(2)]);
      expect(await readAll({ source: ['email', 'alert'], sort: 'sla' }, 1)).toEqual([10, 7].map(idOf));
      expect(await readAll({ serviceId: 'svc-vpn', sort: 'updated' }, 5)).toEqual([idOf(9)]);
    });

    it('queues follow every write: a ticket moves between partitions and positions, never twice', async () => {
      const made = await desk();
      const before = made[0]!;
      const after: Ticket = {
        ...before,
        assignee: 'ann',
        priority: 4,
        updatedAt: at(200),
        version: before.version + 1,
      };
      await store.commit([
        {
          before,
          after,
          history: { ...creationHistory(after, alice, stamp(at(200))), action: 'updated', changes: [] },
        },
      ]);
      expect(await readAll({ group: 'net', assignee: null, priority: [1, 2], sort: 'sla' }, 2)).toEqual(
        [4, 2, 11, 8].map(idOf),
      );
      expect((await readAll({ sort: 'updated' }, 3))[0]).toBe(idOf(0));
      expect(await readAll({ assignee: 'ann', sort: 'priority' }, 1)).toEqual([1, 9, 0].map(idOf));
      const all = await readAll({ sort: 'sla' }, 4);
      expect(new Set(all).size).toBe(12);
    });
  });
}
