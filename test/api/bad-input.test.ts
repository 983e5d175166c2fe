import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// docs/api.md#errors: every malformed request is a 4xx problem+json naming the fault, and
// nothing already stored changes.
const JSON_TYPE = { 'content-type': 'application/json' };

describe('bad input', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  let agent: string;
  let ticketId: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = rt.tokenFor('ann', ['agent']);
    http = api(rt, { token: agent });
    ticketId = (await http.request('POST', '/tickets', { body: { type: 'incident', title: 'baseline' } }))
      .json.id;
  });
  afterAll(() => rt?.stop());

  const cases: [
    string,
    string,
    string,
    { body?: unknown; headers?: Record<string, string> },
    number,
    string?,
  ][] = [
    ['malformed JSON', 'POST', '/tickets', { body: '{"type": "incident",', headers: JSON_TYPE }, 400, ''],
    ['a JSON array', 'POST', '/tickets', { body: '[]', headers: JSON_TYPE }, 400, ''],
    ['no body', 'POST', '/tickets', {}, 400, ''],
    [
      'unknown field',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 't', colour: 'red' } },
      400,
      'colour',
    ],
    ['wrong type', 'POST', '/tickets', { body: { type: 'incident', title: 42 } }, 400, 'title'],
    ['unknown enum', 'POST', '/tickets', { body: { type: 'bug', title: 't' } }, 400, 'type'],
    [
      'out of range impact',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 't', impact: 4 } },
      400,
      'impact',
    ],
    [
      'fractional urgency',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 't', urgency: 1.5 } },
      400,
      'urgency',
    ],
    [
      'title too long',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 'x'.repeat(201) } },
      400,
      'title',
    ],
    ['blank title', 'POST', '/tickets', { body: { type: 'incident', title: '   ' } }, 400, 'title'],
    [
      'description over 64 KiB',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 't', description: 'x'.repeat(65537) } },
      400,
      'description',
    ],
    [
      'body over 256 KiB',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 't', description: 'x'.repeat(300_000) } },
      413,
    ],
    [
      'not JSON content type',
      'POST',
      '/tickets',
      { body: 'type=incident', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
    ],
    [
      'nested unknown field',
      'POST',
      '/tickets',
      { body: { type: 'incident', title: 't', requester: { id: 'x', role: 'admin' } } },
      400,
      'requester.role',
    ],
    ['empty PATCH', 'PATCH', '/tickets/{id}', { body: {} }, 400, ''],
    ['PATCH unknown field', 'PATCH', '/tickets/{id}', { body: { version: 99 } }, 400, 'version'],
    ['PATCH wrong status', 'PATCH', '/tickets/{id}', { body: { status: 'open' } }, 400, 'status'],
    [
      'PATCH bad resolution',
      'PATCH',
      '/tickets/{id}',
      { body: { status: 'resolved', resolution: { code: 'magic', notes: '' } } },
      400,
      'resolution.code',
    ],
    [
      'garbage If-Match',
      'PATCH',
      '/tickets/{id}',
      { body: { title: 'x' }, headers: { 'if-match': 'yesterday' } },
      400,
      'If-Match',
    ],
    [
      'comment without body',
      'POST',
      '/tickets/{id}/comments',
      { body: { visibility: 'public' } },
      400,
      'body',
    ],
    [
      'comment bad visibility',
      'POST',
      '/tickets/{id}/comments',
      { body: { body: 'x', visibility: 'secret' } },
      400,
      'visibility',
    ],
    [
      'link to a junk id',
      'POST',
      '/tickets/{id}/links',
      { body: { type: 'relates_to', targetId: 'nope' } },
      400,
      'targetId',
    ],
    ['limit 0', 'GET', '/tickets?limit=0', {}, 400, 'limit'],
    ['limit 101', 'GET', '/tickets?limit=101', {}, 400, 'limit'],
    ['limit abc', 'GET', '/tickets?limit=abc', {}, 400, 'limit'],
    ['unknown filter', 'GET', '/tickets?colour=red', {}, 400, 'colour'],
    ['forged cursor', 'GET', '/tickets?cursor=eyJQSyI6IlRJQ0tFVCJ9', {}, 400, 'cursor'],
    // Path ids are checked before any read: a malformed one is a 400 naming it, not a lookup.
    ['junk ticket id', 'GET', '/tickets/DROP%20TABLE', {}, 400, 'id'],
    ['unknown ticket', 'GET', '/tickets/INC-999999', {}, 404],
    ['unknown route', 'GET', '/nope', {}, 404],
    ['wrong method', 'DELETE', '/tickets', {}, 405],
  ];

  it.each(cases)('%s: %s %s', async (_label, method, path, options, status, errorPath) => {
    const before = await http.request('GET', `/tickets/${ticketId}`);
    const res = await http.request(method, path.replace('{id}', ticketId), options);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json).toMatchObject({
      status,
      type: expect.stringContaining('https://'),
      title: expect.any(String),
      detail: expect.any(String),
    });
    if (errorPath !== undefined) {
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(errorPath);
    }
    const after = await http.request('GET', `/tickets/${ticketId}`);
    expect(after.json).toEqual(before.json);
  });

  it.each([
    ['no token', undefined, 401],
    ['a garbled token', 'not.a.jwt', 401],
    ['a token signed with another key', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 401],
  ])('%s → %i', async (_label, token, status) => {
    const res = await http.request('GET', '/tickets', { token: token ?? null });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('a valid token without an Opsdesk role → 403', async () => {
    const res = await http.request('GET', '/tickets', { token: rt.tokenFor('nobody', []) });
    expect(res.status).toBe(403);
    expect(res.json.detail).toMatch(/no Opsdesk role/);
  });

  it('nothing was written by any rejected request', async () => {
    const history = await http.request('GET', `/tickets/${ticketId}/history`);
    expect(history.json.items).toHaveLength(1);
    const comments = await http.request('GET', `/tickets/${ticketId}/comments`);
    expect(comments.json.items).toEqual([]);
  });
});
