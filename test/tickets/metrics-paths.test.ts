import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryChangeStore } from '../../functions/changes/store/in-memory-change-store.js';
import { InMemoryIncidentLinkStore } from '../../functions/changes/store/in-memory-incident-link-store.js';
import { KnownErrorApplication } from '../../functions/problems/apply-service.js';
import { ProblemEvents } from '../../functions/problems/cascade.js';
import { KnownErrorService } from '../../functions/problems/known-error-service.js';
import { InMemoryKnownErrorStore } from '../../functions/problems/store/in-memory-error-store.js';
import type { Caller } from '../../functions/shared/authz.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { SlaSweeper } from '../../functions/sla/sweeper.js';
import { forCaller } from '../../functions/tickets/access.js';
import { NO_METRICS } from '../../functions/tickets/model.js';
import type { TicketService } from '../../functions/tickets/service.js';
import { change } from '../domain/changes-fixtures.js';
import { admin, agent, alice } from '../domain/fixtures.js';
import { at } from '../sla/fixtures.js';
import { type World, world } from './world.js';

// Every path that writes tickets keeps their metrics (functions/tickets/metrics.ts) on the item:
// the ticket use cases, known-error application, the problem cascade, the auto-close sweep and the
// caused_by_change link. Catalog requests and mail: test/catalog/request-metrics.test.ts and
// test/email/mail-metrics.test.ts.
const carol: Caller = {
  id: 'carol',
  email: 'carol@example.com',
  name: 'Carol',
  roles: new Set(['requester']),
};
const ben: Caller = { id: 'ben', email: 'ben@example.com', name: 'Ben', roles: new Set(['agent']) };

describe('ticket metrics on every write path', () => {
  let w: World;
  let service: TicketService;
  const stored = async (id: string) => (await w.tickets.get(id))!;
  const minutes = (n: number) => w.clock.set(new Date(at(n)));
  const resolve = { status: 'resolved' as const, resolution: { code: 'fixed' as const, notes: 'done' } };

  beforeEach(async () => {
    w = await world();
    await w.addGroup('network');
    service = w.service();
  });

  it('create: defaults, or acknowledged at once when filed with an assignee', async () => {
    const plain = await service.create(alice, { type: 'incident', title: 'VPN down' });
    expect(plain.metrics).toEqual(NO_METRICS);
    expect((await stored(plain.id)).metrics).toEqual(NO_METRICS);
    const assigned = await service.create(agent, { type: 'incident', title: 'x', assignee: 'ann' });
    expect((await stored(assigned.id)).metrics.acknowledgedAt).toBe(at(0));
  });

  it('PATCH and comments: acknowledgement, replies, follow-ups, group changes, reopen and fcr', async () => {
    const t = await service.create(alice, { type: 'incident', title: 'VPN down' });
    minutes(3);
    await service.comment(alice, t.id, { body: 'still down' }); // at creation time + 3: a follow-up
    minutes(5);
    await service.comment(agent, t.id, { body: 'looking', visibility: 'internal' });
    expect((await stored(t.id)).metrics.acknowledgedAt).toBeNull();
    minutes(7);
    await service.comment(agent, t.id, { body: 'Which client?' });
    await service.update(agent, t.id, { group: 'service-desk' });
    await service.update(agent, t.id, { group: 'network' });
    await service.update(agent, t.id, resolve);
    const resolved = await stored(t.id);
    expect(resolved.metrics).toEqual({
      acknowledgedAt: at(7),
      firstResolvedAt: at(7),
      reopenCount: 0,
      // Routed to the service desk first (not a change), then to network: one change.
      groupChanges: 1,
      agentPublicReplies: 1,
      requesterFollowUps: 1,
      fcr: false,
    });
    minutes(20);
    const reopened = await service.update(alice, t.id, { status: 'in_progress' });
    expect(reopened.metrics).toMatchObject({ reopenCount: 1, fcr: null, firstResolvedAt: at(7) });
    expect((await stored(t.id)).metrics).toEqual((await service.get(agent, t.id)).metrics);
  });

  it('a ticket answered once and resolved by the first group is a first-contact resolution', async () => {
    const t = await service.create(alice, { type: 'service_request', title: 'Password reset' });
    minutes(2);
    await service.update(agent, t.id, { assignee: 'ann' });
    await service.comment(agent, t.id, { body: 'Reset, try now' });
    minutes(4);
    await service.update(agent, t.id, resolve);
    expect((await stored(t.id)).metrics).toMatchObject({ acknowledgedAt: at(2), fcr: true });
  });

  it('a Cc participant’s public reply is neither an agent reply nor a requester follow-up', async () => {
    const t = await service.create(alice, { type: 'incident', title: 'VPN down' });
    await service.comment(carol, t.id, { body: 'me too', participant: true });
    expect((await stored(t.id)).metrics).toEqual(NO_METRICS);
  });

  it('the requester’s reopening reply (mail) counts a reopen and a follow-up', async () => {
    const t = await service.create(alice, { type: 'incident', title: 'VPN down' });
    await service.update(agent, t.id, resolve);
    await service.comment(alice, t.id, { body: 'not fixed', reopens: true });
    expect((await stored(t.id)).metrics).toMatchObject({
      reopenCount: 1,
      requesterFollowUps: 1,
      fcr: null,
      firstResolvedAt: at(0),
    });
  });

  it('alert incidents never get an fcr; their acknowledge (leaving new) is the MTTA end', async () => {
    const t = await service.create(agent, { type: 'incident', title: 'CPU high', source: 'alert' });
    minutes(1);
    await service.update(agent, t.id, { status: 'in_progress' }); // what an alert acknowledge does
    minutes(9);
    await service.update(agent, t.id, {
      status: 'resolved',
      resolution: { code: 'alert_cleared', notes: 'c' },
    });
    expect((await stored(t.id)).metrics).toMatchObject({
      acknowledgedAt: at(1),
      fcr: null,
      firstResolvedAt: at(9),
    });
  });

  it('requesters never see metrics; agents, approvers and admins do', async () => {
    const t = await service.create(alice, { type: 'incident', title: 'VPN down' });
    const mine = await service.get(alice, t.id);
    expect(forCaller(mine, alice)).not.toHaveProperty('metrics');
    expect(forCaller(await service.get(admin, t.id), admin)).toHaveProperty('metrics', NO_METRICS);
  });

  it('known error applied publicly with resolve: one agent reply, acknowledged, fcr decided', async () => {
    const store = new InMemoryKnownErrorStore(undefined, () => w.clock.now());
    const ke = await new KnownErrorService(store, w.cmdb, w.clock, w.newId).create(agent, {
      title: 'k',
      workaround: 'Restart the client',
      status: 'published',
    });
    const t = await service.create(alice, { type: 'incident', title: 'VPN down', impact: 2, urgency: 2 });
    minutes(6);
    const application = new KnownErrorApplication(w.tickets, store, w.slaConfig, w.clock, w.newId);
    await application.apply(agent, t.id, ke.id, { visibility: 'public', resolve: true });
    expect((await stored(t.id)).metrics).toEqual({
      ...NO_METRICS,
      acknowledgedAt: at(6),
      firstResolvedAt: at(6),
      agentPublicReplies: 1,
      fcr: true,
    });
    // A public workaround is the desk's first response.
    expect((await stored(t.id)).sla?.firstResponse.metAt).toBe(at(6));
  });

  it('the problem cascade resolves incidents with their metrics', async () => {
    const store = new InMemoryKnownErrorStore(undefined, () => w.clock.now());
    const events = new ProblemEvents(w.tickets, store, w.slaConfig, w.clock, w.newId);
    const problem = await service.create(agent, { type: 'problem', title: 'P' });
    const incident = await service.create(alice, { type: 'incident', title: 'i' });
    await service.link(agent, incident.id, { type: 'caused_by', targetId: problem.id });
    await service.update(agent, problem.id, { status: 'in_progress' });
    minutes(30);
    await service.update(agent, problem.id, { ...resolve, cascade: 'all_open' });
    const history = await w.tickets.listHistory(problem.id, { limit: 100 });
    await events.onEvents(history.items.flatMap((entry) => entry.events));
    expect((await stored(incident.id)).metrics).toMatchObject({
      firstResolvedAt: at(30),
      acknowledgedAt: at(30),
      fcr: true,
    });
    // A problem has no fcr of its own.
    expect((await stored(problem.id)).metrics).toMatchObject({ firstResolvedAt: at(30), fcr: null });
  });

  it('the auto-close sweep keeps the fcr decided at resolution', async () => {
    const t = await service.create(agent, { type: 'incident', title: 'VPN down', group: 'service-desk' });
    await service.update(agent, t.id, { group: 'network' });
    await service.update(agent, t.id, resolve);
    minutes(8 * 24 * 60);
    await new SlaSweeper(w.tickets, w.slaConfig, w.groups, w.clock, w.newId).sweep();
    expect(await stored(t.id)).toMatchObject({ status: 'closed', metrics: { fcr: false, groupChanges: 1 } });
  });

  describe('serviceImpact', () => {
    it('agents set outage on incidents at creation and by PATCH; history records it', async () => {
      const t = await service.create(agent, { type: 'incident', title: 'down', serviceImpact: 'outage' });
      expect((await stored(t.id)).serviceImpact).toBe('outage');
      const cleared = await service.update(ben, t.id, { serviceImpact: null });
      expect(cleared.serviceImpact).toBeNull();
      const history = await w.tickets.listHistory(t.id, { limit: 10 });
      expect(history.items.at(-1)!.changes).toContainEqual({
        field: 'serviceImpact',
        from: 'outage',
        to: null,
      });
      expect((await service.create(agent, { type: 'incident', title: 'x' })).serviceImpact).toBeNull();
    });

    it('400 at serviceImpact on another type; 403 for requesters', async () => {
      await expect(
        service.create(agent, { type: 'service_request', title: 'x', serviceImpact: 'outage' }),
      ).rejects.toMatchObject({ status: 400, extensions: { errors: [{ path: 'serviceImpact' }] } });
      const request = await service.create(agent, { type: 'service_request', title: 'x' });
      await expect(service.update(agent, request.id, { serviceImpact: 'outage' })).rejects.toMatchObject({
        status: 400,
        extensions: { errors: [{ path: 'serviceImpact' }] },
      });
      await expect(
        service.create(alice, { type: 'incident', title: 'x', serviceImpact: 'outage' }),
      ).rejects.toMatchObject({ status: 403 });
      const own = await service.create(alice, { type: 'incident', title: 'x' });
      await expect(service.update(alice, own.id, { serviceImpact: 'outage' })).rejects.toMatchObject({
        status: 403,
      });
    });
  });

  describe('caused_by_change', () => {
    let links: InMemoryIncidentLinkStore;
    let changes: InMemoryChangeStore;

    beforeEach(async () => {
      const table = new InMemoryTable();
      changes = new InMemoryChangeStore(table);
      links = new InMemoryIncidentLinkStore(table);
      const chg = change({ id: 'CHG-000001' });
      await changes.commit({
        after: chg,
        history: {
          id: 'h1',
          recordId: chg.id,
          at: at(0),
          actor: { id: 'ann', name: null },
          action: 'created',
          changes: [],
          events: [],
        },
      });
      service = w.service(undefined, { changeLinks: links });
    });

    it('links an incident to a change; the change lists it as causes_incident', async () => {
      const t = await service.create(alice, { type: 'incident', title: 'after the deploy' });
      const linked = await service.link(agent, t.id, { type: 'caused_by_change', targetId: 'CHG-000001' });
      expect(linked.links).toContainEqual({ type: 'caused_by_change', targetId: 'CHG-000001' });
      expect((await stored(t.id)).version).toBe(2);
      expect(await links.list('CHG-000001')).toEqual([{ type: 'causes_incident', targetId: t.id }]);
      const history = await w.tickets.listHistory(t.id, { limit: 10 });
      expect(history.items.at(-1)).toMatchObject({ action: 'linked' });
      // Twice: 409 duplicate_link, nothing more written.
      await expect(
        service.link(agent, t.id, { type: 'caused_by_change', targetId: 'CHG-000001' }),
      ).rejects.toMatchObject({ status: 409, code: 'duplicate_link' });
      expect(await links.list('CHG-000001')).toHaveLength(1);
    });

    it('refuses unknown changes, non-incidents and requesters, writing nothing', async () => {
      const t = await service.create(alice, { type: 'incident', title: 'x' });
      await expect(
        service.link(agent, t.id, { type: 'caused_by_change', targetId: 'CHG-000404' }),
      ).rejects.toMatchObject({ status: 400, extensions: { errors: [{ path: 'targetId' }] } });
      const request = await service.create(agent, { type: 'service_request', title: 'r' });
      await expect(
        service.link(agent, request.id, { type: 'caused_by_change', targetId: 'CHG-000001' }),
      ).rejects.toMatchObject({ status: 400 });
      await expect(
        service.link(alice, t.id, { type: 'caused_by_change', targetId: 'CHG-000001' }),
      ).rejects.toMatchObject({ status: 403 });
      expect((await stored(t.id)).version).toBe(1);
      expect(await links.list('CHG-000001')).toEqual([]);
    });
  });
});
