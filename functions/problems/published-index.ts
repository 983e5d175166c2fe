import type { KnownErrorIndex, PublishedKnownError } from '../tickets/known-error-suggestions.js';
import type { KnownErrorStore, PublishedIndex } from './store/error-store.js';

/**
 * The published known errors as ticket creation reads them (docs/problems.md#suggestions): a
 * per-container copy of the index partition, trusted while the index's version item is unchanged.
 * Each create reads the version item (one GetItem, in the same parallel round as its other reads);
 * only after a publish, edit or retirement of a published error does the next create in a
 * container read the partition again. Concurrent creates share one refresh.
 */
export class CachedKnownErrorIndex implements KnownErrorIndex {
  private held: PublishedIndex | undefined;
  private refreshing: Promise<PublishedIndex> | undefined;

  constructor(private readonly store: Pick<KnownErrorStore, 'indexVersion' | 'publishedIndex'>) {}

  async published(): Promise<readonly PublishedKnownError[]> {
    const version = await this.store.indexVersion();
    if (this.held && this.held.version === version) return this.held.entries;
    this.refreshing ??= this.store.publishedIndex(version).finally(() => {
      this.refreshing = undefined;
    });
    const fresh = await this.refreshing;
    if (!this.held || fresh.version >= this.held.version) this.held = fresh;
    return fresh.entries;
  }
}
