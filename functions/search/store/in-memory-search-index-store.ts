import { InMemoryTable, type Item, type ItemKey } from '../../shared/memory/in-memory-table.js';
import { StaleWriteError } from '../../shared/store.js';
import { indexChange, type SearchDoc } from '../model.js';
import type { PostingList, SearchIndexStore, TermStats } from './search-index-store.js';
import {
  DF_SK,
  dfKey,
  docFromItem,
  docItem,
  docKey,
  POSTING_PREFIX,
  parsePosting,
  postingKey,
  requesterPartition,
  STATS_KEY,
  termPk,
} from './search-keys.js';

/** The search index on the in-memory table: the same items as the DynamoDB adapter. */
export class InMemorySearchIndexStore implements SearchIndexStore {
  constructor(readonly table: InMemoryTable = new InMemoryTable()) {}

  async getDoc(ticketId: string): Promise<SearchDoc | undefined> {
    const item = this.table.get(docKey(ticketId));
    return item && docFromItem(item);
  }

  async getDocs(ticketIds: readonly string[]): Promise<Map<string, SearchDoc>> {
    const items = this.table.batchGet([...new Set(ticketIds)].map(docKey));
    return new Map(items.map((item) => [item.ticketId as string, docFromItem(item)]));
  }

  async docsOfRequester(requesterId: string, limit: number): Promise<SearchDoc[]> {
    const { items } = this.table.query({
      index: 'byRequester',
      partition: requesterPartition(requesterId),
      forward: false,
      limit,
    });
    return items.map(docFromItem);
  }

  async stats(terms: readonly string[]): Promise<TermStats> {
    const totals = this.table.get(STATS_KEY);
    const df = new Map<string, number>();
    for (const item of this.table.batchGet([...new Set(terms)].map(dfKey))) {
      df.set((item.PK as string).slice(termPk('').length), Number(item.df));
    }
    return { documents: Number(totals?.documents ?? 0), totalLength: Number(totals?.totalLength ?? 0), df };
  }

  async postings(term: string, limit: number): Promise<PostingList> {
    const { items, lastKey } = this.table.query({
      partition: termPk(term),
      range: (sk) => sk.startsWith(POSTING_PREFIX),
      limit,
    });
    return {
      postings: items.map((item) => parsePosting(item.SK as string)),
      truncated: lastKey !== undefined,
    };
  }

  async replace(previous: SearchDoc | undefined, next: SearchDoc): Promise<void> {
    const current = this.table.get(docKey(next.ticketId));
    if ((current ? Number(current.v) : undefined) !== previous?.version) {
      throw new StaleWriteError(next.ticketId, current ? Number(current.v) : undefined);
    }
    const change = indexChange(previous, next);
    for (const posting of change.put) this.table.put({ ...postingKey(posting) });
    for (const posting of change.remove) {
      deleteItem(this.table, postingKey(posting));
    }
    for (const [term, delta] of change.df) {
      this.table.update(dfKey(term), (item) => ({ SK: DF_SK, df: Number(item?.df ?? 0) + delta }));
    }
    this.table.update(STATS_KEY, (item) => ({
      documents: Number(item?.documents ?? 0) + change.documents,
      totalLength: Number(item?.totalLength ?? 0) + change.length,
    }));
    this.table.put(docItem(next));
  }
}

/** DeleteItem (InMemoryTable has none yet: as in-memory-cmdb-store.ts, it fails loudly if its map moves). */
function deleteItem(table: InMemoryTable, key: ItemKey): void {
  const items = (table as unknown as { readonly items?: unknown }).items;
  if (!(items instanceof Map)) throw new Error('InMemoryTable keeps no item map to delete from');
  for (const [id, item] of items as Map<string, Item>) {
    if (item.PK === key.PK && item.SK === key.SK) {
      items.delete(id);
      return;
    }
  }
}
