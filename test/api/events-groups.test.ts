import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

describe('events, groups and public routes', () => {
  let rt: LocalRuntime;
  let http: ApiClient;

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
  });
  afterAll(() => rt?.stop());

  it('every change reaches the bus once, from the stream, with an event id, the record and the actor', async () => {
    const { json: t } = await http.request('POST', '/tickets', {
      body: { type: 'incident', title: 'evented' },
    });
    await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'in_progress' } });
    await http.request('POST', `/tickets/${t.id}/comments`, { body: { body: 'on it' } });
    await rt.flushEvents();
    const res = await http.request('GET', '/_local/events', { token: rt.adminToken });
    const mine = res.json.items.filter((e: { detail: { ticketId?: string } }) => e.detail.ticketId === t.id);
    expect(mine.map((e: { detailType: string }) => e.detailType)).toEqual([
      'Ticket Created',
      'Ticket Updated',
      'Ticket Status Changed',
      'Comment Added',
    ]);
    for (const event of mine) {
      expect(event.source).toBe('opsdesk');
      expect(event.detail).toMatchObject({ recordId: t.id, actor: { id: 'ann', name: 'Ann' } });
    }
    expect(new Set(mine.map((e: { detail: { eventId: string } }) => e.detail.eventId)).size).toBe(4);
    expect(mine[2].detail).toMatchObject({ from: 'new', to: 'in_progress' });
  });

  it('a rejected change emits nothing', async () => {
    const { json: t } = await http.request('POST', '/tickets', {
      body: { type: 'incident', title: 'quiet' },
    });
    await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'closed' } });
    await rt.flushEvents();
    const res = await http.request('GET', '/_local/events', { token: rt.adminToken });
    const mine = res.json.items.filter((e: { detail: { ticketId?: string } }) => e.detail.ticketId === t.id);
    expect(mine.map((e: { detailType: string }) => e.detailType)).toEqual(['Ticket Created']);
  });

  it('default groups are seeded; admins write groups, agents read them, requesters may not', async () => {
    const list = await http.request('GET', '/groups');
    expect(list.json.items.map((g: { id: string }) => g.id)).toEqual(
      expect.arrayContaining(['service-desk', 'change-managers', 'ecab']),
    );
    const body = { name: 'Network', members: ['ann', 'raj', 'ann'], email: 'net@example.com' };
    const put = await http.request('PUT', '/groups/network', { token: rt.adminToken, body });
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ id: 'network', members: ['ann', 'raj'], version: 1 });
    const replace = await http.request('PUT', '/groups/network', {
      token: rt.adminToken,
      body: { ...body, members: ['raj'] },
      headers: { 'if-match': '"1"' },
    });
    expect(replace.status).toBe(200);
    expect(replace.json.version).toBe(2);
    const stale = await http.request('PUT', '/groups/network', {
      token: rt.adminToken,
      body,
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect((await http.request('PUT', '/groups/network', { body })).status).toBe(403);
    expect((await http.request('GET', '/groups/network')).json.members).toEqual(['raj']);
    expect(
      (await http.request('GET', '/groups', { token: rt.tokenFor('alice', ['requester']) })).status,
    ).toBe(403);
    expect((await http.request('GET', '/groups/nope')).status).toBe(404);
    const badId = await http.request('PUT', '/groups/Bad_Id', { token: rt.adminToken, body });
    expect(badId.status).toBe(400);
  });

  it('health and the OpenAPI document need no token', async () => {
    const health = await http.request('GET', '/health', { token: null });
    expect(health.json).toEqual({ status: 'ok' });
    const doc = await http.request('GET', '/openapi.json', { token: null });
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/tickets', '/tickets/{id}', '/groups/{id}']),
    );
  });
});
