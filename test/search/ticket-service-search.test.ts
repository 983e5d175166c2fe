import { beforeEach, describe, expect, it } from 'vitest';
import { ticketText } from '../../functions/search/indexer.function.js';
import { TicketIndexer } from '../../functions/search/indexer.js';
import { IndexSearch } from '../../functions/search/search-service.js';
import { InMemorySearchIndexStore } from '../../functions/search/store/in-memory-search-index-store.js';
import { ValidationError } from '../../functions/shared/errors.js';
import type { TicketService } from '../../functions/tickets/service.js';
import { agent, alice, approver, bob } from '../domain/fixtures.js';
import { type World, world } from '../tickets/world.js';

/** TicketService.list with `q`: the TicketSearch port over the in-memory index, fed by the real indexer. */
describe('TicketService.list with q', () => {
  let w: World;
  let service: TicketService;
  let indexer: TicketIndexer;

  beforeEach(async () => {
    w = await world();
    const index = new InMemorySearchIndexStore();
    service = w.service(undefined, { search: new IndexSearch(index) });
    indexer = new TicketIndexer(ticketText(w.tickets), index);
  });

  async function file(caller: typeof alice, title: string, description = '') {
    const ticket = await service.create(caller, { type: 'incident', title, description });
    await indexer.reindex(ticket.id);
    return ticket.id;
  }

  it('ranks hits, narrows them by the other filters, and keeps requesters to their own public text', async () => {
    const mine = await file(alice, 'VPN timeout at home', 'vpn timeout again, timeout every hour');
    const theirs = await file(bob, 'VPN timeout', 'laptop');
    const other = await file(bob, 'Printer jam');
    await service.comment(agent, theirs, { body: 'Firewall lease expired', visibility: 'internal' });
    await indexer.reindex(theirs);

    expect((await service.list(agent, { q: 'vpn timeout' }, { limit: 10 })).items.map((t) => t.id)).toEqual([
      mine,
      theirs,
    ]);
    expect((await service.list(approver, { q: 'firewall' }, { limit: 10 })).items.map((t) => t.id)).toEqual([
      theirs,
    ]);
    expect(
      (await service.list(agent, { q: 'vpn', requester: 'bob' }, { limit: 10 })).items.map((t) => t.id),
    ).toEqual([theirs]);
    expect((await service.list(alice, { q: 'vpn' }, { limit: 10 })).items.map((t) => t.id)).toEqual([mine]);
    expect((await service.list(bob, { q: 'firewall' }, { limit: 10 })).items).toEqual([]);
    expect((await service.list(bob, { q: 'printer' }, { limit: 10 })).items.map((t) => t.id)).toEqual([
      other,
    ]);
  });

  it('refuses q of stop words only, naming q; and without a search port', async () => {
    const refused = await service.list(agent, { q: 'the of and' }, { limit: 10 }).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).errors).toEqual([
      { path: 'q', message: expect.stringContaining('stop word') },
    ]);
    const none = w.service();
    await expect(async () => none.list(agent, { q: 'vpn' }, { limit: 10 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
