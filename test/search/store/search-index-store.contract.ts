import { beforeEach, describe, expect, it } from 'vitest';
import { buildDoc } from '../../../functions/search/model.js';
import type { SearchIndexStore } from '../../../functions/search/store/search-index-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';
import { aComment, aTicket } from '../fixtures.js';
import { SearchWorld } from '../world.js';

/**
 * What every SearchIndexStore keeps to (functions/search/store/search-index-store.ts), run against
 * the in-memory adapter (search-index-store.memory.test.ts) and DynamoDB Local
 * (search-index-store.dynamodb.test.ts), with the search and the indexer on top, so ranking and
 * re-indexing are checked on the real engine too. `open` gives a fresh, empty store.
 */
export function searchIndexStoreContract(adapter: string, open: () => Promise<SearchIndexStore>): void {
  describe(`SearchIndexStore contract: ${adapter}`, () => {
    let store: SearchIndexStore;
    let world: SearchWorld;

    beforeEach(async () => {
      store = await open();
      world = new SearchWorld(store);
    });

    it('stores a doc and reads it back, alone and in a batch', async () => {
      const doc = buildDoc(aTicket('INC-000001', 'VPN timeout', { email: 'ann@example.com' }), [
        aComment('internal note', 'internal'),
      ]);
      await store.replace(undefined, doc);
      expect(await store.getDoc('INC-000001')).toEqual(doc);
      expect([...(await store.getDocs(['INC-000001', 'INC-000404'])).keys()]).toEqual(['INC-000001']);
    });

    it('refuses a replace based on a doc that is no longer current', async () => {
      const first = buildDoc(aTicket('INC-000001', 'VPN timeout'), []);
      await store.replace(undefined, first);
      await expect(store.replace(undefined, { ...first, version: 2 })).rejects.toBeInstanceOf(
        StaleWriteError,
      );
      await store.replace(first, { ...first, version: 2 });
      await expect(store.replace(first, { ...first, version: 3 })).rejects.toBeInstanceOf(StaleWriteError);
      expect((await store.getDoc('INC-000001'))?.version).toBe(2);
    });

    it('files postings best first, reads at most the limit, and says when it cut them off', async () => {
      // vpn once in a long text, twice in a short one, three times in a shorter one.
      await world.put(aTicket('INC-000001', `vpn ${'filler '.repeat(60)}`));
      await world.put(aTicket('INC-000002', 'vpn vpn gateway'));
      await world.put(aTicket('INC-000003', 'vpn vpn vpn'));
      const all = await store.postings('vpn', 10);
      expect(all.truncated).toBe(false);
      expect(all.postings.map((p) => p.ticketId)).toEqual(['INC-000003', 'INC-000002', 'INC-000001']);
      const cut = await store.postings('vpn', 2);
      expect(cut.postings.map((p) => p.ticketId)).toEqual(['INC-000003', 'INC-000002']);
      expect(cut.truncated).toBe(true);
    });

    it('keeps document frequencies and totals, and removes stale postings on re-indexing', async () => {
      await world.put(aTicket('INC-000001', 'printer jammed'));
      await world.put(aTicket('INC-000002', 'printer offline'));
      let stats = await store.stats(['printer', 'jam', 'offlin', 'offline', 'toner']);
      expect(stats.documents).toBe(2);
      expect(stats.df.get('printer')).toBe(2);
      expect(stats.df.get('toner') ?? 0).toBe(0);
      await world.put(aTicket('INC-000001', 'toner empty'));
      stats = await store.stats(['printer', 'toner']);
      expect(stats.documents).toBe(2);
      expect(stats.df.get('printer')).toBe(1);
      expect(stats.df.get('toner')).toBe(1);
      expect((await store.postings('printer', 10)).postings.map((p) => p.ticketId)).toEqual(['INC-000002']);
      expect(await world.staff('printer')).toEqual(['INC-000002']);
      expect(await world.staff('toner')).toEqual(['INC-000001']);
    });

    it("lists a requester's docs newest first, at most the limit", async () => {
      await world.put(aTicket('INC-000001', 'one', { requester: 'rita' }));
      await world.put(aTicket('INC-000002', 'two', { requester: 'rob' }));
      await world.put(aTicket('INC-000003', 'three', { requester: 'rita' }));
      expect((await store.docsOfRequester('rita', 10)).map((d) => d.ticketId)).toEqual([
        'INC-000003',
        'INC-000001',
      ]);
      expect((await store.docsOfRequester('rita', 1)).map((d) => d.ticketId)).toEqual(['INC-000003']);
    });

    it('ranks "vpn timeout": every word required, the better match first', async () => {
      await world.put(
        aTicket('INC-000001', 'VPN timeout after login', { description: 'VPN timeouts all day' }),
      );
      await world.put(aTicket('INC-000002', 'VPN client update'));
      await world.put(aTicket('INC-000003', 'Printer timeout'));
      await world.put(
        aTicket('INC-000004', 'Slow mail', { description: 'vpn connection timed out, timeout' }),
        [aComment('still a timeout on the vpn')],
      );
      await world.put(
        aTicket('INC-000005', 'Laptop', {
          description: `vpn timeout ${'unrelated words about a laptop keyboard '.repeat(10)}`,
        }),
      );
      const hits = await world.staff('vpn timeout');
      expect(hits.slice(0, 2).sort()).toEqual(['INC-000001', 'INC-000004']);
      expect(hits).toEqual([...hits.slice(0, 2), 'INC-000005']);
      expect(await world.staff('printer')).toEqual(['INC-000003']);
      expect(await world.staff('nothing')).toEqual([]);
    });

    it('checks open candidates against their docs when a common word was cut off', async () => {
      const small = new SearchWorld(store, { postingsPerTerm: 2 });
      for (let i = 1; i <= 6; i++) {
        await small.put(aTicket(`INC-00000${i}`, i === 5 ? 'network outage rare' : 'network outage'));
      }
      // "network" has 6 postings, only 2 read: INC-000005 is found through "rare" and checked on its doc.
      expect(await small.staff('network rare')).toEqual(['INC-000005']);
    });

    it('pages through the ranking by offset', async () => {
      for (let i = 1; i <= 5; i++)
        await world.put(aTicket(`INC-00000${i}`, `disk full ${'disk '.repeat(i)}`));
      const first = await world.search.search({ internal: true }, 'disk', { offset: 0, limit: 2 });
      expect(first.hits.map((h) => h.ticketId)).toEqual(['INC-000005', 'INC-000004']);
      expect(first.next).toBe(2);
      const last = await world.search.search({ internal: true }, 'disk', { offset: 4, limit: 2 });
      expect(last.hits.map((h) => h.ticketId)).toEqual(['INC-000001']);
      expect(last.next).toBeUndefined();
    });

    it('shows requesters only their own tickets, and only their public text', async () => {
      await world.put(aTicket('INC-000001', 'VPN timeout', { requester: 'rita' }), [
        aComment('firewall rule expired', 'internal'),
      ]);
      await world.put(aTicket('INC-000002', 'VPN timeout', { requester: 'rob' }));
      await world.put(aTicket('INC-000003', 'VPN broken', { requester: 'person:rita@example.com' }), [
        aComment('firewall again', 'public'),
      ]);
      expect(await world.own(['rita'], 'vpn timeout')).toEqual(['INC-000001']);
      expect(await world.own(['rita', 'person:rita@example.com'], 'vpn')).toHaveLength(2);
      expect(await world.own(['rita', 'person:rita@example.com'], 'firewall')).toEqual(['INC-000003']);
      expect((await world.staff('firewall')).sort()).toEqual(['INC-000001', 'INC-000003']);
    });

    it('folds accents and stems in English, German and French', async () => {
      await world.put(aTicket('INC-000001', 'Plusieurs connexions perdues à Zürich'));
      await world.put(aTicket('INC-000002', 'Der Drucker druckt nicht'));
      expect(await world.staff('connexion zurich')).toEqual(['INC-000001']);
      expect(await world.staff('Connexions ZÜRICH')).toEqual(['INC-000001']);
      expect(await world.staff('druckers')).toEqual(['INC-000002']);
    });

    it('finds ticket ids and email addresses as exact tokens only', async () => {
      await world.put(aTicket('INC-000001', 'Same as INC-000123', { email: 'ann.lee@example.com' }));
      await world.put(aTicket('INC-000002', 'Mail from ann about 000123'));
      expect(await world.staff('INC-000123')).toEqual(['INC-000001']);
      expect(await world.staff('ann.lee@example.com')).toEqual(['INC-000001']);
      expect(await world.staff('ann')).toEqual(['INC-000002']);
      // A ticket's own id is in its text.
      expect(await world.staff('inc-000002')).toEqual(['INC-000002']);
    });

    it('treats words that name object members (constructor, __proto__) as plain words', async () => {
      await world.put(aTicket('INC-000001', 'constructor __proto__ toString hasOwnProperty'));
      await world.put(aTicket('INC-000002', 'nothing special'));
      expect(await world.staff('constructor')).toEqual(['INC-000001']);
      expect(await world.staff('__proto__ tostring')).toEqual(['INC-000001']);
      expect(await world.own(['rita'], 'constructor')).toEqual(['INC-000001']);
      expect(await world.staff('special constructor')).toEqual([]);
      await world.put(aTicket('INC-000001', 'valueOf only'));
      expect(await world.staff('constructor')).toEqual([]);
      expect((await store.stats(['constructor'])).df.get('constructor')).toBe(0);
    });

    it('never lets an older version overwrite a newer one, and skips one already indexed', async () => {
      await world.put(aTicket('INC-000001', 'first words'));
      await world.put(aTicket('INC-000001', 'second words'));
      expect(await world.indexer.reindex('INC-000001')).toBe(false);
      expect(await world.staff('second')).toEqual(['INC-000001']);
      expect(await world.staff('first')).toEqual([]);
    });
  });
}
