import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

describe('pagination with filters', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  const created: { id: string; type: string; priority: number }[] = [];

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    const specs = [
      ['incident', 1, 1],
      ['incident', 2, 2],
      ['service_request', 1, 1],
      ['incident', 1, 1],
      ['problem', 3, 3],
      ['incident', 3, 1],
      ['incident', 1, 1],
      ['service_request', 2, 2],
      ['incident', 1, 1],
    ] as const;
    for (const [type, impact, urgency] of specs) {
      const res = await http.request('POST', '/tickets', {
        body: { type, title: `${type} ${impact}/${urgency}`, impact, urgency },
      });
      created.push({ id: res.json.id, type, priority: res.json.priority });
    }
  });
  afterAll(() => rt?.stop());

  async function all(query: string, limit: number) {
    const ids: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const qs: string = `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await http.request('GET', `/tickets?${qs}`);
      expect(res.status).toBe(200);
      ids.push(...res.json.items.map((t: { id: string }) => t.id));
      pages.push(res.json.items.length);
      cursor = res.json.nextCursor;
      if (!cursor) break;
    }
    return { ids, pages };
  }

  it.each([
    ['type=incident', (t: { type: string }) => t.type === 'incident'],
    ['priority=1', (t: { priority: number }) => t.priority === 1],
    [
      'type=incident&priority=1',
      (t: { type: string; priority: number }) => t.type === 'incident' && t.priority === 1,
    ],
    ['status=new&type=service_request', (t: { type: string }) => t.type === 'service_request'],
  ] as const)('%s: every match once, newest first, across pages of 2', async (query, predicate) => {
    const expected = created
      .filter(predicate as (t: (typeof created)[number]) => boolean)
      .map((t) => t.id)
      .reverse();
    const { ids, pages } = await all(query, 2);
    expect(ids).toEqual(expected);
    expect(Math.max(...pages)).toBeLessThanOrEqual(2);
  });

  it('a cursor from one query is refused by another', async () => {
    const first = await http.request('GET', '/tickets?type=incident&limit=1');
    const cursor = encodeURIComponent(first.json.nextCursor);
    const other = await http.request('GET', `/tickets?type=problem&limit=1&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(other.json.errors[0].path).toBe('cursor');
    const otherCaller = await http.request('GET', `/tickets?type=incident&limit=1&cursor=${cursor}`, {
      token: rt.tokenFor('zoe', ['agent']),
    });
    expect(otherCaller.status).toBe(400);
  });
});
