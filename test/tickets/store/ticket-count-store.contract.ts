import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countCellsOf } from '../../../functions/tickets/counts.js';
import type { TicketCountStore } from '../../../functions/tickets/store/ticket-count-store.js';
import { ticket } from '../../domain/fixtures.js';

export interface TicketCountStoreUnderTest {
  readonly counts: TicketCountStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * The queue counters (functions/tickets/counts.ts) as the stream consumer relies on them: exact
 * moves per ticket, idempotent under redelivery and out-of-order versions. Run against memory
 * (unit) and DynamoDB Local (integration).
 */
export function ticketCountStoreContract(name: string, make: () => Promise<TicketCountStoreUnderTest>): void {
  describe(`TicketCountStore contract: ${name}`, () => {
    let counts: TicketCountStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ counts, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('counts a ticket into every scope, and moves it when it changes', async () => {
      const t = ticket({ id: 'INC-000001', status: 'new', group: 'net', assignee: null, priority: 2 });
      expect(await counts.record(t.id, 1, countCellsOf(t))).toBe('counted');
      expect(await counts.read('*', 'status')).toEqual({ new: 1 });
      expect(await counts.read('*', 'assignee')).toEqual({ none: 1 });
      expect(await counts.read('group=net', 'priority')).toEqual({ '2': 1 });
      const moved = { ...t, status: 'in_progress' as const, assignee: 'ann', version: 2 };
      expect(await counts.record(t.id, 2, countCellsOf(moved))).toBe('counted');
      expect(await counts.read('*', 'status')).toEqual({ new: 0, in_progress: 1 });
      expect(await counts.read('group=net', 'assignee')).toEqual({ none: 0, ann: 1 });
      expect(await counts.read('assignee=ann', 'status')).toEqual({ in_progress: 1 });
      expect(await counts.read('assignee=none', 'status')).toEqual({ new: 0 });
    });

    it('a redelivered or older version changes nothing', async () => {
      const v1 = ticket({ id: 'INC-000002', status: 'new', group: 'net' });
      const v2 = { ...v1, status: 'resolved' as const, version: 2 };
      await counts.record(v1.id, 1, countCellsOf(v1));
      await counts.record(v1.id, 2, countCellsOf(v2));
      expect(await counts.record(v1.id, 2, countCellsOf(v2))).toBe('already');
      expect(await counts.record(v1.id, 1, countCellsOf(v1))).toBe('already');
      expect(await counts.read('*', 'status')).toEqual({ new: 0, resolved: 1 });
    });

    it('a skipped version is still counted exactly (moves come from what is counted, not the old image)', async () => {
      const v1 = ticket({ id: 'INC-000003', status: 'new', group: 'desk' });
      await counts.record(v1.id, 1, countCellsOf(v1));
      const v3 = { ...v1, status: 'closed' as const, group: 'net', version: 3 };
      await counts.record(v1.id, 3, countCellsOf(v3));
      expect(await counts.read('*', 'group')).toEqual({ desk: 0, net: 1 });
      expect(await counts.read('*', 'status')).toEqual({ new: 0, closed: 1 });
    });

    it('many tickets add up; a removed ticket is counted out', async () => {
      const made = Array.from({ length: 6 }, (_, i) =>
        ticket({ id: `INC-00001${i}`, status: i % 2 ? 'new' : 'in_progress', group: i < 4 ? 'net' : 'desk' }),
      );
      await Promise.all(made.map((t) => counts.record(t.id, 1, countCellsOf(t))));
      expect(await counts.read('*', 'status')).toEqual({ new: 3, in_progress: 3 });
      expect(await counts.read('status=new', 'group')).toEqual({ net: 2, desk: 1 });
      await counts.record(made[0]!.id, 2, countCellsOf(undefined));
      expect(await counts.read('*', 'group')).toEqual({ net: 3, desk: 2 });
    });
  });
}
