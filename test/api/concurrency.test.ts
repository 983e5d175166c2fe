import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// Non-negotiable 3: concurrent writers never lose each other's changes.
describe('concurrent writers', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  const WRITERS = 20;

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt, { token: rt.tokenFor('ann', ['agent']) });
  });
  afterAll(() => rt?.stop());

  it(`${WRITERS} parallel read-modify-writes of one list (ciIds via affects links) all land`, async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'busy' } });
    const responses = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        http.request('POST', `/tickets/${t.id}/links`, { body: { type: 'affects', targetId: `ci-${i}` } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(WRITERS).fill(201));
    const final = await http.request('GET', `/tickets/${t.id}`);
    expect([...final.json.ciIds].sort()).toEqual(Array.from({ length: WRITERS }, (_, i) => `ci-${i}`).sort());
    expect(final.json.version).toBe(1 + WRITERS);
    const history = await http.request('GET', `/tickets/${t.id}/history?limit=100`);
    expect(history.json.items).toHaveLength(1 + WRITERS);
  });

  it(`${WRITERS} parallel comments and field updates on one ticket all land`, async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'busy' } });
    const comments = Array.from({ length: WRITERS / 2 }, (_, i) =>
      http.request('POST', `/tickets/${t.id}/comments`, {
        body: { body: `note ${i}`, visibility: 'internal' },
      }),
    );
    const patches = Array.from({ length: WRITERS / 2 }, (_, i) =>
      http.request('PATCH', `/tickets/${t.id}`, {
        body: i % 2 ? { category: `c${i}` } : { title: `title ${i}` },
      }),
    );
    const statuses = (await Promise.all([...comments, ...patches])).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(WRITERS / 2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(WRITERS / 2);
    const listed = await http.request('GET', `/tickets/${t.id}/comments?limit=100`);
    expect(listed.json.items).toHaveLength(WRITERS / 2);
    const final = await http.request('GET', `/tickets/${t.id}`);
    expect(final.json.version).toBe(1 + WRITERS);
  });
});
