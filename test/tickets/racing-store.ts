import { StaleWriteError } from '../../functions/shared/store.js';
import type { TicketStore, TicketWrite } from '../../functions/tickets/store/ticket-store.js';

/**
 * A TicketStore that lets another writer in once, right before the next commit: the race a use
 * case loses when someone writes between its read and its conditional write. Counts the stale
 * commits it passed on.
 */
export class RacingTicketStore implements TicketStore {
  private pending: (() => Promise<unknown>) | undefined;
  stale = 0;
  commits = 0;

  constructor(readonly inner: TicketStore) {}

  /** `write` runs (against the inner store) just before the next commit goes through. */
  beforeNextCommit(write: () => Promise<unknown>): void {
    this.pending = write;
  }

  async commit(writes: readonly TicketWrite[]): Promise<void> {
    const other = this.pending;
    this.pending = undefined;
    if (other) await other();
    this.commits++;
    try {
      await this.inner.commit(writes);
    } catch (error) {
      if (error instanceof StaleWriteError) this.stale++;
      throw error;
    }
  }

  nextSequence: TicketStore['nextSequence'] = (type) => this.inner.nextSequence(type);
  get: TicketStore['get'] = (id, hint) => this.inner.get(id, hint);
  list: TicketStore['list'] = (query, page) => this.inner.list(query, page);
  listComments: TicketStore['listComments'] = (id, page, options) =>
    this.inner.listComments(id, page, options);
  listHistory: TicketStore['listHistory'] = (id, page) => this.inner.listHistory(id, page);
  listSlaDue: TicketStore['listSlaDue'] = (until, page) => this.inner.listSlaDue(until, page);
  listCreatedBetween: TicketStore['listCreatedBetween'] = (from, to, page) =>
    this.inner.listCreatedBetween(from, to, page);
}
