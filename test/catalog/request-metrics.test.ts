import { beforeEach, describe, expect, it } from 'vitest';
import { NO_METRICS } from '../../functions/tickets/model.js';
import { abe, admin, at, ava, type CatalogWorld, catalogWorld, dan, pat, rita } from './catalog-world.js';

// Catalog requests keep their metrics (functions/tickets/metrics.ts) through submission, approval
// and fulfilment: they never sit in `new`, so a task taken up is their acknowledgement.
let world: CatalogWorld;
beforeEach(async () => {
  world = await catalogWorld();
  await world.putItem('laptop');
});

const minutes = (n: number) => world.clock.set(new Date(at(n)));
const stored = async (id: string) => (await world.tickets.get(id))!;

describe('catalog request metrics', () => {
  it('submitted: not acknowledged; the first task taken is; resolution by the last task decides fcr', async () => {
    const ticket = await world.requests.submit(rita, 'laptop', { form: { model: 'standard' } });
    expect((await stored(ticket.id)).metrics).toEqual(NO_METRICS);
    minutes(12);
    await world.requests.patchTask(pat, ticket.id, 'order', { status: 'done' }, undefined);
    expect((await stored(ticket.id)).metrics.acknowledgedAt).toBe(at(12));
    minutes(30);
    await world.requests.patchTask(dan, ticket.id, 'image', { status: 'done' }, undefined);
    await world.requests.patchTask(admin, ticket.id, 'accounts', { status: 'skipped' }, undefined);
    await world.requests.patchTask(dan, ticket.id, 'handover', { status: 'done' }, undefined);
    expect(await stored(ticket.id)).toMatchObject({
      status: 'resolved',
      metrics: { acknowledgedAt: at(12), firstResolvedAt: at(30), fcr: true },
    });
  });

  it('approval decisions move the request without acknowledging it; a rejection cancels with no fcr', async () => {
    const approved = await world.requests.submit(rita, 'laptop', { form: { model: 'developer' } });
    await world.requests.decide(ava, approved.id, { decision: 'approve', group: 'it-approvers' });
    await world.requests.decide(abe, approved.id, { decision: 'approve', group: 'finance-approvers' });
    expect(await stored(approved.id)).toMatchObject({ status: 'in_progress', metrics: NO_METRICS });
    const rejected = await world.requests.submit(rita, 'laptop', { form: { model: 'developer' } });
    await world.requests.decide(ava, rejected.id, { decision: 'reject', comment: 'no budget' });
    expect(await stored(rejected.id)).toMatchObject({ status: 'cancelled', metrics: { fcr: null } });
  });
});
