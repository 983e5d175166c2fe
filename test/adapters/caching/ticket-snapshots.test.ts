import { describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../../functions/tickets/model.js';
import { SnapshotTicketStore } from '../../../functions/tickets/store/snapshot-ticket-store.js';
import type { TicketStore } from '../../../functions/tickets/store/ticket-store.js';
import { ticket } from '../../domain/fixtures.js';

function fakeTickets(stored: Ticket) {
  let current = stored;
  const store = {
    get: vi.fn(async () => current),
    commit: vi.fn(async (writes: { after: Ticket }[]) => {
      current = writes[0]!.after;
    }),
  } as unknown as TicketStore;
  const replace = (next: Ticket) => {
    current = next;
  };
  return { store, replace };
}

describe('SnapshotTicketStore', () => {
  const v1 = ticket({ id: 'INC-000001', version: 1, title: 'one' });

  it('answers a read of a version it holds without asking the table', async () => {
    const { store } = fakeTickets(v1);
    const tickets = new SnapshotTicketStore(store);
    await tickets.get(v1.id);
    expect(await tickets.get(v1.id, { version: 1 })).toEqual(v1);
    expect(store.get).toHaveBeenCalledTimes(1);
  });

  it('reads the table for any other version, and for every plain read', async () => {
    const { store, replace } = fakeTickets(v1);
    const tickets = new SnapshotTicketStore(store);
    await tickets.get(v1.id);
    replace({ ...v1, version: 2, title: 'two' });
    expect(await tickets.get(v1.id)).toMatchObject({ version: 2 });
    expect(await tickets.get(v1.id, { version: 3 })).toMatchObject({ version: 2 });
    expect(store.get).toHaveBeenCalledTimes(3);
  });

  it('holds what it wrote', async () => {
    const { store } = fakeTickets(v1);
    const tickets = new SnapshotTicketStore(store);
    const v2 = { ...v1, version: 2, title: 'two' };
    await tickets.commit([{ before: v1, after: v2, history: {} as never }]);
    expect(await tickets.get(v1.id, { version: 2 })).toEqual(v2);
    expect(store.get).not.toHaveBeenCalled();
  });

  it('holds nothing from a write that failed', async () => {
    const { store } = fakeTickets(v1);
    vi.mocked(store.commit).mockRejectedValueOnce(new Error('stale'));
    const tickets = new SnapshotTicketStore(store);
    await expect(
      tickets.commit([{ before: v1, after: { ...v1, version: 2 }, history: {} as never }]),
    ).rejects.toThrow('stale');
    await tickets.get(v1.id, { version: 2 });
    expect(store.get).toHaveBeenCalledTimes(1);
  });
});
