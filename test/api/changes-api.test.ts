import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/runtime.js';
import { type ChangeStack, DAY, HOUR, normalChange, startChangeStack } from './changes-support.js';

/** 400 problem+json naming exactly these fields. */
function expectFieldErrors(res: ApiResponse, fields: string[]): void {
  expect(res.status, res.text).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual(fields);
}

describe('changes API: bad input', () => {
  let s: ChangeStack;

  beforeAll(async () => {
    s = await startChangeStack();
  }, 120_000);
  afterAll(() => s?.rt.stop());

  it.each<[string, (s: ChangeStack) => Record<string, unknown>, string[]]>([
    [
      'an end before the start',
      (s) => normalChange(s, { plannedStart: s.at(DAY), plannedEnd: s.at(DAY - HOUR) }),
      ['plannedEnd'],
    ],
    [
      'a window over 14 days',
      (s) => normalChange(s, { plannedStart: s.at(HOUR), plannedEnd: s.at(15 * DAY) }),
      ['plannedEnd'],
    ],
    [
      'an unknown approval group',
      (s) => normalChange(s, { approvalGroups: ['network', 'nobody'] }),
      ['approvalGroups.1'],
    ],
    [
      'a normal change without approval groups',
      (s) => normalChange(s, { approvalGroups: undefined }),
      ['approvalGroups'],
    ],
    ['an emergency with approval groups', (s) => normalChange(s, { type: 'emergency' }), ['approvalGroups']],
    ['no CIs', (s) => normalChange(s, { ciIds: [] }), ['ciIds']],
    [
      'a time without milliseconds and zone',
      (s) => normalChange(s, { plannedStart: '2026-12-01 10:00' }),
      ['plannedStart'],
    ],
    ['an unknown type', (s) => normalChange(s, { type: 'urgent' }), ['type']],
    ['an unknown field', (s) => ({ ...normalChange(s), priority: 1 }), ['priority']],
    ['a blank title', (s) => normalChange(s, { title: '  ' }), ['title']],
    [
      'a group id that is not one',
      (s) => normalChange(s, { approvalGroups: ['Net Work'] }),
      ['approvalGroups.0'],
    ],
  ])('POST /changes with %s is 400 naming the field, and writes nothing', async (_, body, fields) => {
    expectFieldErrors(await s.submit(body(s)), fields);
  });

  it('malformed JSON is 400, not 500', async () => {
    const res = await s.http.request('POST', '/changes', {
      body: '{"type": "normal",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      type: 'https://opsdesk.dev/problems/validation_error',
      code: 'validation_error',
    });
  });

  it('left nothing half-written: the first accepted change is CHG-000001 and the only one', async () => {
    const list = await s.http.request('GET', '/changes');
    expect(list.json.items).toEqual([]);
    const created = await s.submit(normalChange(s));
    expect(created.status).toBe(201);
    expect(created.json.id).toBe('CHG-000001');
  });

  it.each<[string, string, string, unknown, string[]]>([
    ['an unknown decision', 'POST', 'approvals', { decision: 'maybe' }, ['decision']],
    ['a failed implementation without notes', 'POST', 'implementation', { outcome: 'failed' }, ['notes']],
    ['an unknown outcome', 'POST', 'implementation', { outcome: 'great' }, ['outcome']],
    ['a review without notes', 'POST', 'review', {}, ['notes']],
    ['a cancel without a reason', 'POST', 'cancel', { reason: '' }, ['reason']],
  ])('%s is 400 naming the field', async (_, method, action, body, fields) => {
    const token = action === 'approvals' ? s.tokens.network : s.tokens.agent;
    expectFieldErrors(await s.http.request(method, `/changes/CHG-000001/${action}`, { body, token }), fields);
  });

  it.each<[string, string, string[]]>([
    ['status', '?status=open', ['status']],
    ['limit', '?limit=500', ['limit']],
    ['an unknown filter', '?colour=red', ['colour']],
  ])('GET /changes with a bad %s is 400', async (_, query, fields) => {
    expectFieldErrors(await s.http.request('GET', `/changes${query}`), fields);
  });

  it('freeze windows: end before start and a bad id are 400', async () => {
    const admin = s.rt.adminToken;
    const body = { name: 'Q4', start: s.at(2 * DAY), end: s.at(DAY) };
    expectFieldErrors(await s.http.request('PUT', '/freeze-windows/q4', { token: admin, body }), ['end']);
    const res = await s.http.request('PUT', '/freeze-windows/Q4!', {
      token: admin,
      body: { name: 'Q4', start: s.at(DAY), end: s.at(2 * DAY) },
    });
    expectFieldErrors(res, ['id']);
  });

  it('unknown and malformed change ids are 404', async () => {
    expect((await s.get('CHG-999999')).status).toBe(404);
    expect((await s.get('not-a-change')).status).toBe(404);
    expect((await s.http.request('GET', '/freeze-windows/none', { token: s.rt.adminToken })).status).toBe(
      404,
    );
  });
});

describe('changes API: authorization', () => {
  let s: ChangeStack;
  let ritasChange: string;

  beforeAll(async () => {
    s = await startChangeStack();
    const created = await s.submit(normalChange(s, { requester: { id: 'rita', email: 'rita@example.com' } }));
    ritasChange = created.json.id;
    await s.waitFor(ritasChange, (c) => c.approvals.length === 2, 'approvals requested');
  }, 120_000);
  afterAll(() => s?.rt.stop());

  it('only agents and admins create changes; requesters and approvers get 403', async () => {
    for (const token of [s.tokens.requester, s.tokens.network]) {
      const res = await s.submit(normalChange(s), token);
      expect(res.status).toBe(403);
    }
    expect((await s.submit(normalChange(s), s.rt.adminToken)).status).toBe(201);
  });

  it('a requester reads the changes raised for them and no other: 404, exactly as for a missing one', async () => {
    const own = await s.http.request('GET', `/changes/${ritasChange}`, { token: s.tokens.requester });
    expect(own.status).toBe(200);
    expect(own.json.requester.id).toBe('rita');
    const foreign = await s.http.request('GET', `/changes/${ritasChange}`, {
      token: s.tokens.otherRequester,
    });
    const missing = await s.http.request('GET', '/changes/CHG-999999', { token: s.tokens.otherRequester });
    expect(foreign.status).toBe(404);
    expect(foreign.json.title).toBe(missing.json.title);
    const list = await s.http.request('GET', '/changes', { token: s.tokens.requester });
    expect(list.json.items.map((c: { id: string }) => c.id)).toEqual([ritasChange]);
    const none = await s.http.request('GET', '/changes?requester=rita', { token: s.tokens.otherRequester });
    expect(none.json.items).toEqual([]);
  });

  it('history is for agents, approvers and admins; the requester may see the change but not its history', async () => {
    expect(
      (await s.http.request('GET', `/changes/${ritasChange}/history`, { token: s.tokens.network })).status,
    ).toBe(200);
    expect(
      (await s.http.request('GET', `/changes/${ritasChange}/history`, { token: s.tokens.requester })).status,
    ).toBe(403);
  });

  // The role rule runs before the body is read or the change looked up, so a caller who may never
  // decide gets 403 for every id alike (which says nothing about whether the change exists).
  it('only approvers decide: an agent, the requester of the change and anyone else get 403', async () => {
    const path = `/changes/${ritasChange}/approvals`;
    const body = { decision: 'approve' };
    expect((await s.http.request('POST', path, { body, token: s.tokens.agent })).status).toBe(403);
    expect((await s.http.request('POST', path, { body, token: s.tokens.requester })).status).toBe(403);
    expect((await s.http.request('POST', path, { body, token: s.tokens.otherRequester })).status).toBe(403);
  });

  it('an approver outside the pending groups gets 409 naming the pending groups', async () => {
    const res = await s.http.request('POST', `/changes/${ritasChange}/approvals`, {
      body: { decision: 'approve' },
      token: s.tokens.outsider,
    });
    expect(res.status).toBe(409);
    expect(res.json.pendingGroups.sort()).toEqual(['database', 'network']);
    expect(res.json.detail).toMatch(/no approval is pending .* for a group you belong to/);
  });

  it('a decision is recorded once: the second one is 409', async () => {
    const first = await s.decide(ritasChange, 'network', 'approve');
    expect(first.status).toBe(200);
    const second = await s.http.request('POST', `/changes/${ritasChange}/approvals`, {
      body: { decision: 'reject' },
      token: s.tokens.network,
    });
    expect(second.status).toBe(409);
    const current = (await s.get(ritasChange)).json;
    expect(current.approvals.find((a: { group: string }) => a.group === 'network')).toMatchObject({
      status: 'approved',
      decision: 'approve',
    });
  });

  it('a dead task token is a 409 with a clear problem, and the decision does not count', async () => {
    // Ends the execution behind the API's back (as a timeout or a stopped execution would): the
    // database approval is still pending on the change, but its token can no longer be completed.
    await s.workflow.stop(s.workflow.executionArnFor(ritasChange), 'test');
    const res = await s.decide(ritasChange, 'database', 'approve');
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ reason: 'TaskDoesNotExist' });
    expect(res.json.detail).toMatch(/no longer waiting for it .* it was not counted/);
    const current = (await s.get(ritasChange)).json;
    expect(current.approvals.find((a: { group: string }) => a.group === 'database')).toMatchObject({
      status: 'pending',
      decision: null,
    });
    const actions = (await s.history(ritasChange)).map((h) => h.action);
    expect(actions.slice(-2)).toEqual(['approval decided', 'approval decision voided']);
  });

  it('implementation, review and cancel are for agents: an approver gets 403', async () => {
    for (const [action, body] of [
      ['implementation', { outcome: 'successful' }],
      ['review', { notes: 'fine' }],
      ['cancel', { reason: 'no' }],
    ] as const) {
      const res = await s.http.request('POST', `/changes/${ritasChange}/${action}`, {
        body,
        token: s.tokens.network,
      });
      expect(res.status, action).toBe(403);
    }
  });

  it('implementation and review of a change not at that step are 409', async () => {
    const implementation = await s.http.request('POST', `/changes/${ritasChange}/implementation`, {
      body: { outcome: 'successful' },
    });
    expect(implementation.status).toBe(409);
    expect(implementation.json.changeStatus).toBe('pending_approval');
    expect(
      (await s.http.request('POST', `/changes/${ritasChange}/review`, { body: { notes: 'x' } })).status,
    ).toBe(409);
  });

  it('freeze windows: admins write, agents and approvers read, requesters do not', async () => {
    const body = { name: 'Release freeze', start: s.at(10 * DAY), end: s.at(11 * DAY), reason: 'big launch' };
    expect((await s.http.request('PUT', '/freeze-windows/launch', { body })).status).toBe(403);
    const created = await s.http.request('PUT', '/freeze-windows/launch', { body, token: s.rt.adminToken });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const stale = await s.http.request('PUT', '/freeze-windows/launch', {
      body,
      token: s.rt.adminToken,
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(
      (await s.http.request('GET', '/freeze-windows/launch', { token: s.tokens.network })).json,
    ).toMatchObject({
      name: 'Release freeze',
      ciIds: [],
    });
    expect(
      (await s.http.request('GET', '/freeze-windows')).json.items.map((f: { id: string }) => f.id),
    ).toContain('launch');
    expect((await s.http.request('GET', '/freeze-windows', { token: s.tokens.requester })).status).toBe(403);
  });

  it('no token is 401', async () => {
    expect((await s.http.request('GET', '/changes', { token: null })).status).toBe(401);
  });
});
