import { RecentMap } from '../../shared/caching/recent-map.js';
import type { Ticket } from '../model.js';
import type { CommitCompanion, ReadHint, TicketStore, TicketWrite } from './ticket-store.js';

/**
 * Remembers the tickets this container last read or wrote. Every write bumps a ticket's version,
 * so a ticket at a given version never changes: a PATCH whose If-Match names a version held here
 * needs no read, only its write (which stays conditional on that version, so a stale snapshot
 * ends in 412, never in a lost update). A write without If-Match first tries the latest copy held;
 * if that was stale its conditional write fails and the retry reads the table. Reads without a
 * hint (every GET) always go to the table.
 */
export class SnapshotTicketStore implements TicketStore {
  private readonly snapshots = new RecentMap<string, Ticket>(1_000);

  constructor(private readonly inner: TicketStore) {}

  async get(id: string, hint?: ReadHint): Promise<Ticket | undefined> {
    if (hint?.version !== undefined || hint?.recent) {
      const snapshot = this.snapshots.get(id);
      if (snapshot && (hint.version === undefined || snapshot.version === hint.version)) return snapshot;
    }
    const ticket = await this.inner.get(id);
    if (ticket) this.snapshots.set(id, ticket);
    return ticket;
  }

  async commit(writes: readonly TicketWrite[], companion?: CommitCompanion): Promise<void> {
    await this.inner.commit(writes, companion);
    for (const write of writes) this.snapshots.set(write.after.id, write.after);
  }

  nextSequence: TicketStore['nextSequence'] = (type) => this.inner.nextSequence(type);
  list: TicketStore['list'] = (query, page) => this.inner.list(query, page);
  listComments: TicketStore['listComments'] = (id, page, options) =>
    this.inner.listComments(id, page, options);
  listHistory: TicketStore['listHistory'] = (id, page) => this.inner.listHistory(id, page);
  listSlaDue: TicketStore['listSlaDue'] = (until, page) => this.inner.listSlaDue(until, page);
  listCreatedBetween: TicketStore['listCreatedBetween'] = (from, to, page) =>
    this.inner.listCreatedBetween(from, to, page);
}
