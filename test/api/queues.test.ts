import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

interface Listed {
  id: string;
  priority: number;
  assignee: string | null;
  group: string | null;
  type: string;
  createdAt: string;
  sla: null | Record<'firstResponse' | 'resolution', { dueAt: string | null; metAt: string | null }>;
}

/** The next due time of a ticket's running clocks, as `sort=sla` orders by it (none due: last). */
const nextDue = (t: Listed) =>
  t.sla
    ? ([t.sla.firstResponse, t.sla.resolution]
        .filter((c) => c.metAt === null && c.dueAt)
        .map((c) => c.dueAt!)
        .sort()[0] ?? '~')
    : '~';

/** Agent queues, live counts and saved views through the local API (docs/api.md#lists-and-pagination). */
describe('agent queues over HTTP', () => {
  let rt: LocalRuntime;
  let ann: ApiClient;
  let dora: ApiClient;
  let admin: ApiClient;
  let rita: ApiClient;
  const made: Record<string, string> = {};

  const all = async (client: ApiClient, query: string, limit = 1) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<ApiClient['request']>> = await client.request(
        'GET',
        `/tickets?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, res.text).toBe(200);
      const body = res.json as { items: Listed[]; nextCursor: string | null };
      ids.push(...body.items.map((t) => t.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 40);
    return ids;
  };

  beforeAll(async () => {
    rt = await startTestRuntime();
    ann = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    dora = api(rt, { token: rt.tokenFor('dora', ['agent'], { name: 'Dora' }) });
    admin = api(rt, { token: rt.adminToken });
    rita = api(rt, { token: rt.tokenFor('rita', ['requester']) });
    const group = await admin.request('PUT', '/groups/queue-net', {
      body: { name: 'Queue net', members: ['ann'] },
    });
    expect(group.status, group.text).toBe(201);
    const specs: [string, Record<string, unknown>][] = [
      ['p1', { type: 'incident', impact: 1, urgency: 1, group: 'queue-net' }],
      ['p2', { type: 'incident', impact: 1, urgency: 2, group: 'queue-net' }],
      ['p2mine', { type: 'incident', impact: 2, urgency: 1, group: 'queue-net', assignee: 'ann' }],
      ['request', { type: 'service_request', impact: 1, urgency: 1, group: 'queue-net' }],
      ['p3', { type: 'incident', impact: 2, urgency: 2, group: 'queue-net' }],
      ['elsewhere', { type: 'incident', impact: 1, urgency: 1, group: 'service-desk' }],
    ];
    for (const [name, body] of specs) {
      const res = await ann.request('POST', '/tickets', { body: { title: `Queue ${name}`, ...body } });
      expect(res.status, res.text).toBe(201);
      made[name] = res.json.id;
    }
  });
  afterAll(() => rt?.stop());

  it('"unassigned P1–P2 incidents in my group, next breach first", page by page', async () => {
    const query = 'group=queue-net&assignee=none&priority=1,2&type=incident&sort=sla';
    const page = await ann.request('GET', `/tickets?${query}&limit=25`);
    expect(page.status).toBe(200);
    const items: Listed[] = page.json.items;
    expect(items.map((t) => t.id).sort()).toEqual([made.p1, made.p2].sort());
    expect(items.map(nextDue)).toEqual(items.map(nextDue).sort());
    for (const t of items) expect(t).toMatchObject({ group: 'queue-net', assignee: null, type: 'incident' });
    expect(await all(ann, query, 1)).toEqual(items.map((t) => t.id));
  });

  it('takes several values comma-separated or repeated, and every sort', async () => {
    const comma = await all(ann, 'group=queue-net&status=new,in_progress', 2);
    expect(await all(ann, 'group=queue-net&status=new&status=in_progress', 2)).toEqual(comma);
    expect(comma).toHaveLength(5);
    const newest = await all(ann, 'group=queue-net', 2);
    expect(await all(ann, 'group=queue-net&sort=oldest', 3)).toEqual([...newest].reverse());
    const byPriority = await ann.request('GET', '/tickets?group=queue-net&sort=priority&limit=100');
    const priorities = byPriority.json.items.map((t: Listed) => t.priority);
    expect(priorities).toEqual([...priorities].sort());
    expect(byPriority.json.items[0].id).toBe(made.p1);
    // An update moves the ticket to the head of `updated` and out of the unassigned queue.
    const patched = await ann.request('PATCH', `/tickets/${made.p3}`, { body: { assignee: 'ann' } });
    expect(patched.status, patched.text).toBe(200);
    expect((await all(ann, 'group=queue-net&sort=updated', 2))[0]).toBe(made.p3);
    expect(await all(ann, 'group=queue-net&assignee=ann&sort=priority', 1)).toEqual([made.p2mine, made.p3]);
    const created = byPriority.json.items[0].createdAt as string;
    expect(await all(ann, `group=queue-net&createdFrom=${created}&createdTo=${created}`, 5)).toContain(
      made.p1,
    );
    expect(await all(ann, `group=none&assignee=none`, 5)).toEqual([]);
  });

  it('refuses bad queue input with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['sort=relevance', 'sort'],
      ['status=new,opened', 'status'],
      [`assignee=${Array.from({ length: 11 }, (_, i) => `u${i}`).join(',')}`, 'assignee'],
      ['createdFrom=2026-12-02T00:00:00Z&createdTo=2026-12-01T00:00:00Z', 'createdTo'],
      ['priority=0', 'priority'],
      ['slaBreached=maybe', 'slaBreached'],
      ['updatedSince=yesterday', 'updatedSince'],
    ];
    for (const [query, path] of cases) {
      const res = await ann.request('GET', `/tickets?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('a cursor from another query is 400 at cursor', async () => {
    const first = await ann.request('GET', '/tickets?group=queue-net&sort=sla&limit=1');
    expect(first.json.nextCursor).toBeTruthy();
    const cursor = encodeURIComponent(first.json.nextCursor);
    const other = await ann.request('GET', `/tickets?group=queue-net&sort=priority&limit=1&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(other.json.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    const tampered = await ann.request(
      'GET',
      `/tickets?group=queue-net&sort=sla&limit=1&cursor=${cursor.slice(0, -4)}AAAA`,
    );
    expect(tampered.status).toBe(400);
  });

  it('live counts follow writes through the stream, one counter per bucket', async () => {
    await rt.flushEvents();
    const byAssignee = await ann.request('GET', '/tickets/counts?by=assignee&group=queue-net');
    expect(byAssignee.status, byAssignee.text).toBe(200);
    expect(byAssignee.json).toEqual({
      by: 'assignee',
      buckets: [
        { value: 'none', count: 3 },
        { value: 'ann', count: 2 },
      ],
      total: 5,
    });
    const patched = await ann.request('PATCH', `/tickets/${made.p1}`, { body: { assignee: 'dora' } });
    expect(patched.status).toBe(200);
    await rt.flushEvents();
    const after = await ann.request('GET', '/tickets/counts?by=assignee&group=queue-net');
    expect(after.json.buckets).toEqual(
      expect.arrayContaining([
        { value: 'none', count: 2 },
        { value: 'ann', count: 2 },
        { value: 'dora', count: 1 },
      ]),
    );
    const byStatus = await admin.request('GET', '/tickets/counts?by=status&group=queue-net,service-desk');
    expect(
      byStatus.json.buckets.find((b: { value: string }) => b.value === 'new').count,
    ).toBeGreaterThanOrEqual(6);
    const byGroup = await ann.request('GET', '/tickets/counts?by=group&priority=1');
    expect(byGroup.json.buckets).toEqual(
      expect.arrayContaining([
        { value: 'queue-net', count: 2 },
        { value: 'service-desk', count: expect.any(Number) },
      ]),
    );
    expect((await rita.request('GET', '/tickets/counts?by=status')).status).toBe(403);
    const bad = await ann.request('GET', '/tickets/counts?by=colour');
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'by' })]);
    const two = await ann.request('GET', '/tickets/counts?by=status&group=queue-net&priority=1');
    expect(two.status).toBe(400);
  });

  it('saved views: shared with a group, applied with ?view=, hidden from others', async () => {
    const query = { group: 'queue-net', assignee: 'none', priority: '1,2', type: 'incident', sort: 'sla' };
    const created = await ann.request('POST', '/views', {
      body: { name: 'Unassigned P1–P2, next breach first', group: 'queue-net', query },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe(`/views/${created.json.id}`);
    const id = created.json.id as string;
    const direct = await all(ann, new URLSearchParams(query).toString(), 25);
    expect(await all(ann, `view=${id}`, 1)).toEqual(direct);
    expect(
      (await ann.request('GET', '/views?group=queue-net')).json.items.map((v: { id: string }) => v.id),
    ).toEqual([id]);
    expect((await ann.request('GET', '/views')).json.items.map((v: { id: string }) => v.id)).toContain(id);
    const mixed = await ann.request('GET', `/tickets?view=${id}&status=new`);
    expect(mixed.status).toBe(400);
    expect(mixed.json.errors).toEqual([expect.objectContaining({ path: 'status' })]);
    expect((await dora.request('GET', `/views/${id}`)).status).toBe(404);
    expect((await dora.request('GET', `/tickets?view=${id}`)).status).toBe(404);
    expect((await rita.request('GET', `/tickets?view=${id}`)).status).toBe(403);
    const badView = await ann.request('POST', '/views', { body: { name: 'x', query: { sort: 'random' } } });
    expect(badView.status).toBe(400);
    expect(badView.json.errors).toEqual([expect.objectContaining({ path: 'query.sort' })]);
    // A cursor of the view stops working once the view changes.
    const first = await ann.request('GET', `/tickets?view=${id}&limit=1`);
    const replaced = await ann.request('PUT', `/views/${id}`, {
      body: { name: 'Mine now', group: 'queue-net', query: { assignee: 'ann', sort: 'priority' } },
      headers: { 'if-match': '"1"' },
    });
    expect(replaced.status, replaced.text).toBe(200);
    const stale = await ann.request(
      'GET',
      `/tickets?view=${id}&limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`,
    );
    expect(stale.status).toBe(400);
    expect((await ann.request('DELETE', `/views/${id}`)).status).toBe(204);
    expect((await ann.request('GET', `/views/${id}`)).status).toBe(404);
  });
});
