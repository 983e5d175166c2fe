import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/shared/http/routes.js';
import { ensureCis } from '../support/cmdb.js';
import {
  type ApiClient,
  type ApiResponse,
  api,
  type LocalRuntime,
  startTestRuntime,
} from '../support/runtime.js';

/**
 * What a hostile or careless client found (issue 12): each case failed before its fix. Nothing
 * here may answer 5xx, and every refusal is problem+json naming the fault.
 */
function expectProblem(res: ApiResponse, status: number, path?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  if (path !== undefined) expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe('hostile and careless clients', () => {
  let rt: LocalRuntime;
  let agent: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    admin = api(rt, { token: rt.adminToken });
  });
  afterAll(() => rt?.stop());

  const newTicket = async (title: string) => {
    const res = await agent.request('POST', '/tickets', { body: { type: 'incident', title } });
    expect(res.status, res.text).toBe(201);
    return res.json.id as string;
  };

  it('an id over DynamoDB key size is 400 naming the path parameter on every route that takes one', async () => {
    const longId = `INC-${'9'.repeat(2100)}`;
    const everyRole = rt.tokenFor('root', ['admin', 'agent', 'approver']);
    const withIds = ROUTES.filter((route) => route.path.includes('{'));
    expect(withIds.length).toBeGreaterThan(10);
    for (const route of withIds) {
      const path = route.path.replace(/\{(\w+)\}/g, longId);
      const body = route.method === 'GET' ? undefined : {};
      const res = await admin.request(route.method, path, { body, token: everyRole });
      // Alert intake answers an integration it cannot know exactly like a wrong secret
      // (docs/alerts.md): a 401, before anything is read.
      if (!route.authenticated && route.path.startsWith('/alerts/')) expectProblem(res, 401);
      // A survey link's token is its credential: one that cannot be a token is unknown, 404
      // before anything is read (docs/csat.md#the-link).
      else if (route.path.startsWith('/surveys/')) expectProblem(res, 404);
      else expectProblem(res, 400, 'id');
    }
    // Characters a key should never hold are refused the same way.
    expectProblem(await admin.request('GET', `/tickets/${encodeURIComponent('INC 1\u0000')}`), 400, 'id');
  });

  it('a PATCH setting a 64 KiB description and a 64 KiB resolution note fits: stored, in history and published', async () => {
    const id = await newTicket('large texts');
    const big = (c: string) => c.repeat(64 * 1024);
    const first = await agent.request('PATCH', `/tickets/${id}`, { body: { description: big('a') } });
    expect(first.status, first.text).toBe(200);
    const res = await agent.request('PATCH', `/tickets/${id}`, {
      body: {
        description: big('b'),
        status: 'resolved',
        resolution: { code: 'fixed', notes: big('c') },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.description).toBe(big('b'));
    const history = await agent.request('GET', `/tickets/${id}/history?limit=100`);
    const last = history.json.items.at(-1);
    const description = last.changes.find((c: { field: string }) => c.field === 'description');
    expect(description).toEqual({ field: 'description', from: big('a'), to: big('b') });
    // The outbox event carries the same changes the entry holds (stored once, given back on read).
    const updated = last.events.find((e: { detailType: string }) => e.detailType === 'Ticket Updated');
    expect(updated.detail.changes).toEqual(last.changes);
    await rt.flushEvents();
    const events = await admin.request('GET', '/_local/events?detailType=Ticket%20Updated');
    const published = events.json.items.filter(
      (e: { detail: { ticketId: string } }) => e.detail.ticketId === id,
    );
    expect(published.at(-1).detail.changes.map((c: { field: string }) => c.field)).toContain('resolution');
  });

  it('affects links stop at the documented 20 CIs with a 409 naming the limit; the list stays editable', async () => {
    await ensureCis(
      rt,
      Array.from({ length: 21 }, (_, i) => `ci-${i}`),
    );
    const id = await newTicket('many cis');
    for (let i = 0; i < 20; i++) {
      const res = await agent.request('POST', `/tickets/${id}/links`, {
        body: { type: 'affects', targetId: `ci-${i}` },
      });
      expect(res.status, res.text).toBe(201);
    }
    const over = await agent.request('POST', `/tickets/${id}/links`, {
      body: { type: 'affects', targetId: 'ci-20' },
    });
    expectProblem(over, 409);
    expect(over.json.limit).toBe(20);
    const edited = await agent.request('PATCH', `/tickets/${id}`, { body: { ciIds: ['ci-1'] } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.ciIds).toEqual(['ci-1']);
  });

  it('parent_of links refuse a cycle (1→2→3→1) with a 409, both ways round', async () => {
    const [one, two, three] = [await newTicket('p1'), await newTicket('p2'), await newTicket('p3')];
    const link = (from: string, type: string, to: string) =>
      agent.request('POST', `/tickets/${from}/links`, { body: { type, targetId: to } });
    expect((await link(one, 'parent_of', two)).status).toBe(201);
    expect((await link(two, 'parent_of', three)).status).toBe(201);
    const cycle = await link(three, 'parent_of', one);
    expectProblem(cycle, 409);
    expect(cycle.json.reason).toBe('link_cycle');
    expectProblem(await link(one, 'child_of', three), 409);
    const unchanged = await agent.request('GET', `/tickets/${three}`);
    expect(unchanged.json.links).toEqual([{ type: 'child_of', targetId: two }]);
  });

  it('authorization before validation: a caller without the right gets 403 whatever the body', async () => {
    const requester = rt.tokenFor('rita', ['requester']);
    const bad = { nonsense: true };
    for (const [method, path, token] of [
      ['PUT', '/calendars/x', rt.tokenFor('ann', ['agent'])],
      ['PUT', '/sla-policies/x', rt.tokenFor('ann', ['agent'])],
      ['PUT', '/groups/x', rt.tokenFor('ann', ['agent'])],
      ['PUT', '/freeze-windows/x', rt.tokenFor('ann', ['agent'])],
      ['POST', '/changes', requester],
      ['POST', '/tickets/INC-000001/links', requester],
    ] as const) {
      const res = await agent.request(method, path, { token, body: bad });
      expectProblem(res, 403);
      expect(res.json.errors, `${method} ${path}`).toBeUndefined();
    }
  });

  it('the test clock refuses moves that leave the representable range, and later creates still work', async () => {
    for (const body of [
      { advanceMinutes: 1e308 },
      { advanceMinutes: -1e12 },
      { now: '0001-01-01T00:00:00Z' },
    ]) {
      const res = await admin.request('POST', '/_local/clock', { body });
      expectProblem(res, 400, Object.keys(body)[0]);
    }
    const created = await agent.request('POST', '/tickets', {
      body: { type: 'incident', title: 'after clock' },
    });
    expect(created.status, created.text).toBe(201);
  });
});
