import { describe, expect, it } from 'vitest';
import { InMemorySearchIndexStore } from '../../functions/search/store/in-memory-search-index-store.js';
import { MAX_TICKETS_READ_PER_PAGE, searchPage } from '../../functions/search/ticket-hits.js';
import type { Ticket } from '../../functions/tickets/model.js';
import { aTicket } from './fixtures.js';
import { SearchWorld } from './world.js';

/** searchPage: the ranking read as tickets, narrowed, paged by offset. */
describe('searchPage', () => {
  async function worldOf(count: number) {
    const world = new SearchWorld(new InMemorySearchIndexStore());
    for (let i = 1; i <= count; i++) {
      const id = `INC-${String(i).padStart(6, '0')}`;
      // More "disk" words for higher numbers: the ranking is INC-<count> first, down to INC-000001.
      await world.put(
        aTicket(id, `disk ${'disk '.repeat(Math.min(i, 30))}`, { requester: i % 2 ? 'odd' : 'even' }),
      );
    }
    const read = async (id: string) => world.tickets.get(id) as Ticket | undefined;
    return { world, read };
  }

  it('pages through the ranking with a resume offset, each hit once', async () => {
    const { world, read } = await worldOf(7);
    const seen: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < 10; round++) {
      const page = await searchPage(
        world.search,
        read,
        { internal: true },
        'disk',
        { limit: 3, ...(startKey && { startKey }) },
        () => true,
      );
      seen.push(...page.items.map((t) => t.id));
      startKey = page.lastKey;
      if (!startKey) break;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe('INC-000007');
  });

  it('narrows by the filter on the tickets as read, and skips hits whose ticket is gone', async () => {
    const { world, read } = await worldOf(6);
    world.tickets.delete('INC-000006');
    const page = await searchPage(
      world.search,
      read,
      { internal: true },
      'disk',
      { limit: 10 },
      (t) => t.requester.id === 'odd',
    );
    expect(page.items.map((t) => t.id)).toEqual(['INC-000005', 'INC-000003', 'INC-000001']);
    expect(page.lastKey).toBeUndefined();
  });

  it('reads at most MAX_TICKETS_READ_PER_PAGE tickets for one page, and resumes after them', async () => {
    const { world } = await worldOf(MAX_TICKETS_READ_PER_PAGE + 20);
    let reads = 0;
    const read = async (id: string) => {
      reads++;
      return world.tickets.get(id) as Ticket | undefined;
    };
    const page = await searchPage(world.search, read, { internal: true }, 'disk', { limit: 10 }, () => false);
    expect(page.items).toEqual([]);
    expect(reads).toBe(MAX_TICKETS_READ_PER_PAGE);
    expect(page.lastKey).toEqual({ searchOffset: MAX_TICKETS_READ_PER_PAGE });
  });
});
