import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSchema } from '../../functions/tickets/http/schemas.js';
import { ensureCis } from '../support/cmdb.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// The tour of the README, and the behaviours of docs/api.md, over HTTP through the local runtime.
describe('tickets API', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  let agent: string;
  let alice: string;
  let bob: string;
  let approver: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt);
    agent = rt.tokenFor('ann', ['agent'], { email: 'ann@example.com', name: 'Ann Agent' });
    alice = rt.tokenFor('alice', ['requester'], { email: 'alice@example.com', name: 'Alice' });
    bob = rt.tokenFor('bob', ['requester'], { email: 'bob@example.com' });
    approver = rt.tokenFor('ahmed', ['approver']);
  });
  afterAll(() => rt?.stop());

  const create = (token: string, body: Record<string, unknown> = {}) =>
    http.request('POST', '/tickets', { token, body: { type: 'incident', title: 'VPN down', ...body } });

  it('creates an incident: 201, Location, ETag, priority from the matrix, the caller as requester', async () => {
    const res = await create(alice, { impact: 2, urgency: 1, description: 'since 9:00' });
    expect(res.status).toBe(201);
    expect(res.json.id).toMatch(/^INC-\d{6}$/);
    expect(res.headers.get('location')).toBe(`/tickets/${res.json.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.json).toMatchObject({ status: 'new', priority: 2, source: 'api', version: 1 });
    // P2: the seeded business-hours policy; both clocks start at creation.
    expect(res.json.sla).toMatchObject({ policyId: 'p2', calendarId: 'business-hours' });
    expect(res.json.sla.firstResponse).toMatchObject({
      targetMinutes: 30,
      startedAt: res.json.createdAt,
      metAt: null,
    });
    expect(res.json.requester).toEqual({ id: 'alice', email: 'alice@example.com', name: 'Alice' });
    expect(() => ticketSchema.parse(res.json)).not.toThrow();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('numbers each type in its own gap-free sequence', async () => {
    const a = await create(agent, { type: 'problem', title: 'p1' });
    const b = await create(agent, { type: 'problem', title: 'p2' });
    expect(Number(b.json.id.slice(4))).toBe(Number(a.json.id.slice(4)) + 1);
    expect(a.json.id).toMatch(/^PRB-/);
    const rejected = await create(alice, { type: 'problem', assignee: 'x' });
    expect(rejected.status).toBe(403);
    const c = await create(agent, { type: 'problem', title: 'p3' });
    expect(Number(c.json.id.slice(4))).toBe(Number(b.json.id.slice(4)) + 1);
  });

  it('walks the lifecycle: assign, hold, resume, resolve, close; history records each move', async () => {
    const { json: t } = await create(alice);
    const patch = (body: unknown) => http.request('PATCH', `/tickets/${t.id}`, { token: agent, body });
    expect((await patch({ assignee: 'ann', group: 'service-desk', status: 'in_progress' })).status).toBe(200);
    expect((await patch({ status: 'on_hold' })).json.errors).toEqual([
      { path: 'holdReason', message: 'required when status is on_hold' },
    ]);
    expect((await patch({ status: 'on_hold', holdReason: 'awaiting_vendor' })).json.holdReason).toBe(
      'awaiting_vendor',
    );
    expect((await patch({ status: 'in_progress' })).json.holdReason).toBeNull();
    expect((await patch({ status: 'resolved' })).status).toBe(400);
    const resolved = await patch({
      status: 'resolved',
      resolution: { code: 'fixed', notes: 'replaced cert' },
    });
    expect(resolved.json).toMatchObject({ status: 'resolved', resolution: { code: 'fixed' } });
    expect(resolved.json.resolvedAt).not.toBeNull();
    const closed = await patch({ status: 'closed' });
    // Five accepted changes after creation; the two rejected ones left no trace.
    expect(closed.json).toMatchObject({ status: 'closed', version: 6 });
    expect(closed.headers.get('etag')).toBe('"6"');

    // A closed ticket takes internal notes only; the problem keeps its HTTP status.
    const late = await http.request('POST', `/tickets/${t.id}/comments`, {
      token: agent,
      body: { body: 'one more thing' },
    });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ status: 409, ticketStatus: 'closed' });
    const note = { body: 'post-mortem link', visibility: 'internal' };
    expect(
      (await http.request('POST', `/tickets/${t.id}/comments`, { token: agent, body: note })).status,
    ).toBe(201);

    const illegal = await patch({ status: 'in_progress' });
    expect(illegal.status).toBe(409);
    expect(illegal.headers.get('content-type')).toBe('application/problem+json');
    expect(illegal.json).toMatchObject({ status: 409, from: 'closed', to: 'in_progress', allowed: [] });

    const history = await http.request('GET', `/tickets/${t.id}/history`, { token: agent });
    expect(history.status).toBe(200);
    expect(history.json.items.map((h: { action: string }) => h.action)).toEqual([
      'created',
      'updated',
      'updated',
      'updated',
      'updated',
      'updated',
      'commented',
    ]);
    expect(history.json.items[1].changes).toEqual(
      expect.arrayContaining([
        { field: 'status', from: 'new', to: 'in_progress' },
        { field: 'assignee', from: null, to: 'ann' },
      ]),
    );
    expect(history.json.items[1].actor).toEqual({ id: 'ann', name: 'Ann Agent' });
  });

  it('illegal transitions answer 409 with the allowed moves', async () => {
    const { json: t } = await create(agent, { type: 'problem' });
    const res = await http.request('PATCH', `/tickets/${t.id}`, {
      token: agent,
      body: { status: 'known_error' },
    });
    expect(res.status).toBe(409);
    expect(res.json.allowed).toEqual(['in_progress', 'cancelled']);
  });

  describe('requesters', () => {
    it('see their own tickets only: another requester gets 404 everywhere', async () => {
      const { json: t } = await create(alice, { title: 'alice only' });
      for (const [method, path, body] of [
        ['GET', `/tickets/${t.id}`],
        ['PATCH', `/tickets/${t.id}`, { title: 'mine now' }],
        ['GET', `/tickets/${t.id}/comments`],
        ['POST', `/tickets/${t.id}/comments`, { body: 'hello' }],
      ] as const) {
        const res = await http.request(method, path, { token: bob, body });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.json.detail).toBe(`ticket ${t.id} does not exist`);
      }
      const list = await http.request('GET', '/tickets?limit=100', { token: bob });
      expect(list.json.items.map((x: { id: string }) => x.id)).not.toContain(t.id);
      const filtered = await http.request('GET', '/tickets?requester=alice', { token: bob });
      expect(filtered.json.items).toEqual([]);
      expect((await http.request('GET', `/tickets/${t.id}`, { token: alice })).status).toBe(200);
    });

    it('may edit title/description while new, may not assign or transition (403)', async () => {
      const { json: t } = await create(alice);
      expect(
        (await http.request('PATCH', `/tickets/${t.id}`, { token: alice, body: { title: 'VPN down again' } }))
          .status,
      ).toBe(200);
      for (const body of [{ assignee: 'ann' }, { status: 'cancelled' }, { impact: 1 }]) {
        const res = await http.request('PATCH', `/tickets/${t.id}`, { token: alice, body });
        expect(res.status, JSON.stringify(body)).toBe(403);
      }
    });

    it('reopen their resolved ticket', async () => {
      const { json: t } = await create(alice);
      await http.request('PATCH', `/tickets/${t.id}`, {
        token: agent,
        body: { status: 'resolved', resolution: { code: 'fixed', notes: 'done' } },
      });
      const res = await http.request('PATCH', `/tickets/${t.id}`, {
        token: alice,
        body: { status: 'in_progress' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ status: 'in_progress', resolvedAt: null, resolution: null });
    });

    it('never see internal notes; their reply to a ticket awaiting them resumes it', async () => {
      const { json: t } = await create(alice);
      await http.request('PATCH', `/tickets/${t.id}`, {
        token: agent,
        body: { status: 'on_hold', holdReason: 'awaiting_customer' },
      });
      await http.request('POST', `/tickets/${t.id}/comments`, {
        token: agent,
        body: { body: 'suspect the cert', visibility: 'internal' },
      });
      await http.request('POST', `/tickets/${t.id}/comments`, {
        token: agent,
        body: { body: 'which client version?' },
      });
      const reply = await http.request('POST', `/tickets/${t.id}/comments`, {
        token: alice,
        body: { body: '5.1' },
      });
      expect(reply.status).toBe(201);
      expect(reply.json).toMatchObject({ visibility: 'public', author: { id: 'alice' } });
      const mine = await http.request('GET', `/tickets/${t.id}/comments`, { token: alice });
      expect(mine.json.items.map((c: { body: string }) => c.body)).toEqual(['which client version?', '5.1']);
      const all = await http.request('GET', `/tickets/${t.id}/comments`, { token: agent });
      expect(all.json.items.map((c: { body: string }) => c.body)).toEqual([
        'suspect the cert',
        'which client version?',
        '5.1',
      ]);
      expect((await http.request('GET', `/tickets/${t.id}`, { token: alice })).json.status).toBe(
        'in_progress',
      );
      expect(
        (
          await http.request('POST', `/tickets/${t.id}/comments`, {
            token: alice,
            body: { body: 'x', visibility: 'internal' },
          })
        ).status,
      ).toBe(403);
      expect((await http.request('GET', `/tickets/${t.id}/history`, { token: alice })).status).toBe(403);
    });
  });

  it('approvers read everything but change nothing', async () => {
    const { json: t } = await create(alice);
    expect((await http.request('GET', `/tickets/${t.id}`, { token: approver })).status).toBe(200);
    expect((await http.request('GET', `/tickets/${t.id}/history`, { token: approver })).status).toBe(200);
    expect(
      (await http.request('PATCH', `/tickets/${t.id}`, { token: approver, body: { status: 'in_progress' } }))
        .status,
    ).toBe(403);
  });

  describe('If-Match', () => {
    it('a stale ETag is 412 and changes nothing; the current one applies', async () => {
      const { json: t } = await create(agent);
      await http.request('PATCH', `/tickets/${t.id}`, { token: agent, body: { category: 'network' } });
      const stale = await http.request('PATCH', `/tickets/${t.id}`, {
        token: agent,
        body: { title: 'stale' },
        headers: { 'if-match': '"1"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.json.currentVersion).toBe(2);
      const fresh = await http.request('PATCH', `/tickets/${t.id}`, {
        token: agent,
        body: { title: 'fresh' },
        headers: { 'if-match': '"2"' },
      });
      expect(fresh.status).toBe(200);
      expect(fresh.json).toMatchObject({ title: 'fresh', category: 'network', version: 3 });
    });
  });

  describe('links', () => {
    it('are stored both ways, and affects adds a CI', async () => {
      const { json: inc } = await create(agent);
      const { json: prb } = await create(agent, { type: 'problem' });
      const res = await http.request('POST', `/tickets/${inc.id}/links`, {
        token: agent,
        body: { type: 'caused_by', targetId: prb.id },
      });
      expect(res.status).toBe(201);
      expect(res.json.links).toContainEqual({ type: 'caused_by', targetId: prb.id });
      const problem = await http.request('GET', `/tickets/${prb.id}`, { token: agent });
      expect(problem.json.links).toContainEqual({ type: 'causes', targetId: inc.id });
      const unknown = await http.request('POST', `/tickets/${inc.id}/links`, {
        token: agent,
        body: { type: 'affects', targetId: 'vpn-gw-1' },
      });
      // The CMDB must know the CI first (cmdb.strictCiIds, docs/cmdb.md).
      expect(unknown.json).toMatchObject({ status: 422, code: 'unknown_ci' });
      await ensureCis(rt, ['vpn-gw-1']);
      const ci = await http.request('POST', `/tickets/${inc.id}/links`, {
        token: agent,
        body: { type: 'affects', targetId: 'vpn-gw-1' },
      });
      expect(ci.json.ciIds).toEqual(['vpn-gw-1']);
      const byCi = await http.request('GET', '/tickets?ciId=vpn-gw-1', { token: agent });
      expect(byCi.json.items.map((x: { id: string }) => x.id)).toEqual([inc.id]);
      expect(
        (
          await http.request('POST', `/tickets/${inc.id}/links`, {
            token: agent,
            body: { type: 'relates_to', targetId: prb.id },
          })
        ).status,
      ).toBe(409);
      expect(
        (
          await http.request('POST', `/tickets/${inc.id}/links`, {
            token: agent,
            body: { type: 'relates_to', targetId: 'INC-999999' },
          })
        ).status,
      ).toBe(400);
      // Linking is for agents: a requester gets 403 for every ticket alike (the role rule runs
      // before the ticket is read, so this says nothing about whether it exists).
      expect(
        (
          await http.request('POST', `/tickets/${inc.id}/links`, {
            token: alice,
            body: { type: 'relates_to', targetId: prb.id },
          })
        ).status,
      ).toBe(403);
      const own = await create(alice);
      expect(
        (
          await http.request('POST', `/tickets/${own.json.id}/links`, {
            token: alice,
            body: { type: 'relates_to', targetId: prb.id },
          })
        ).status,
      ).toBe(403);
    });
  });

  it('assigning to an unknown group is a 400 naming group', async () => {
    const res = await create(agent, { group: 'no-such-group' });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'group', message: 'group no-such-group does not exist' }]);
  });
});
