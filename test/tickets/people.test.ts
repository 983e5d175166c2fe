import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../functions/shared/authz.js';
import { NotFoundError } from '../../functions/shared/errors.js';
import { personIdsOf } from '../../functions/shared/people.js';
import type { TicketService } from '../../functions/tickets/service.js';
import { agent } from '../domain/fixtures.js';
import { type World, world } from './world.js';

/**
 * One person across channels (docs/api.md#one-person-across-channels) in the ticket use cases: a
 * requester reads, lists and answers the tickets that name them by any of their ids; an address
 * their token does not vouch for gives them none of someone else's.
 */
const ALICE = 'alice@example.com';

const aliceWith = (personIds?: readonly string[], id = 'uuid-alice'): Caller => ({
  id,
  email: ALICE,
  name: 'Alice',
  roles: new Set(['requester']),
  ...(personIds ? { personIds } : {}),
});
/** Alice, whose token vouches for her address. */
const alice = aliceWith(personIdsOf(ALICE));
/** Someone whose token claims Alice's address without vouching for it. */
const claimant = aliceWith(undefined, 'uuid-mallory');
const bob: Caller = { id: 'uuid-bob', email: 'bob@example.com', name: 'Bob', roles: new Set(['requester']) };

describe('a person across channels', () => {
  let w: World;
  let service: TicketService;
  /** Opened by mail (person id), by mail before person ids (the address), and by Alice on the API. */
  let ids: { byMail: string; byOldMail: string; byApi: string; bobs: string };

  beforeEach(async () => {
    w = await world();
    service = w.service();
    const onBehalf = (title: string, id: string) =>
      service.create(agent, {
        type: 'incident',
        title,
        impact: 2,
        urgency: 2,
        requester: { id, email: ALICE, name: 'Alice' },
      });
    const byOldMail = await onBehalf('old mail', ALICE);
    w.clock.advance(1);
    const byMail = await onBehalf('mail', 'person:alice@example.com');
    w.clock.advance(1);
    const byApi = await service.create(alice, { type: 'incident', title: 'api' });
    w.clock.advance(1);
    const bobs = await service.create(bob, { type: 'incident', title: 'bob' });
    ids = { byMail: byMail.id, byOldMail: byOldMail.id, byApi: byApi.id, bobs: bobs.id };
  });

  const listed = async (caller: Caller, query = {}, limit = 2) => {
    const found: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await service.list(caller, query, { limit, ...(startKey ? { startKey } : {}) });
      found.push(...page.items.map((t) => t.id));
      startKey = page.lastKey;
    } while (startKey);
    return found;
  };
  const missing = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(NotFoundError);

  it('a verified requester reads and lists their tickets under every id, newest first, across pages', async () => {
    for (const id of [ids.byMail, ids.byOldMail, ids.byApi]) {
      expect((await service.get(alice, id)).id).toBe(id);
    }
    expect(await listed(alice)).toEqual([ids.byApi, ids.byMail, ids.byOldMail]);
    expect(await listed(alice, {}, 1)).toEqual([ids.byApi, ids.byMail, ids.byOldMail]);
    // Filtering on one of their own ids narrows to it; on anyone else's, it is their own list still.
    expect(await listed(alice, { requester: 'person:alice@example.com' })).toEqual([ids.byMail]);
    expect(await listed(alice, { requester: 'uuid-bob' })).toEqual([ids.byApi, ids.byMail, ids.byOldMail]);
    await missing(service.get(alice, ids.bobs));
  });

  it('answers as the requester the ticket names; the history names the caller who acted', async () => {
    const comment = await service.comment(alice, ids.byMail, { body: 'Still broken.' });
    expect(comment.author).toEqual({ id: 'person:alice@example.com', email: ALICE, name: 'Alice' });
    const [entry] = (await service.listHistory(agent, ids.byMail, { limit: 10 })).items.slice(-1);
    expect(entry).toMatchObject({ action: 'commented', actor: { id: 'uuid-alice' } });
    // Not the service desk responding: the first-response clock keeps running.
    const { sla } = await service.get(agent, ids.byMail);
    expect(sla!.firstResponse).toMatchObject({ metAt: null });
    await service.comment(agent, ids.byMail, { body: 'Looking into it.' });
    expect((await service.get(agent, ids.byMail)).sla!.firstResponse.metAt).not.toBeNull();
    expect((await service.comment(alice, ids.byApi, { body: 'mine' })).author.id).toBe('uuid-alice');
  });

  it('an address the token does not vouch for reaches none of the person’s tickets', async () => {
    for (const id of [ids.byMail, ids.byOldMail, ids.byApi]) {
      await missing(service.get(claimant, id));
      await missing(service.comment(claimant, id, { body: 'let me in' }));
    }
    expect(await listed(claimant)).toEqual([]);
    expect(await listed(claimant, { requester: 'person:alice@example.com' })).toEqual([]);
  });

  it('another requester sees none of them', async () => {
    for (const id of [ids.byMail, ids.byOldMail, ids.byApi]) await missing(service.get(bob, id));
    expect(await listed(bob)).toEqual([ids.bobs]);
  });
});
