import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drPostureReport } from '../../functions/cmdb/http/dr-posture-schemas.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * GET /reports/dr-posture over HTTP (docs/reports.md#disaster-recovery-posture): the CMDB's events
 * keep the posture within seconds of each change; the route reads one page and the counts.
 */
describe('disaster-recovery posture over HTTP', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let agent: ApiClient;

  const report = (query = '') => agent.request('GET', `/reports/dr-posture${query}`);
  /** Polls until `until` holds (stream work settles within 2 s; clients wait at most 5 s). */
  async function settled(until: (body: { counts: { inScope: number; uncovered: number } }) => boolean) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const res = await report();
      if (until(res.json) || Date.now() > deadline) return res;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const put = async (id: string, body: Record<string, unknown>) => {
    const res = await admin.request('PUT', `/cis/${id}`, { body: { class: 'server', name: id, ...body } });
    expect(res.status, res.text).toBeLessThan(300);
  };

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
  });
  afterAll(() => rt?.stop());

  it('lists uncovered production CIs of criticality 1-2 with exact counts, the table settings and freshness', async () => {
    const empty = await report();
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({
      items: [],
      nextCursor: null,
      counts: { inScope: 0, uncovered: 0 },
      // The local table has no point-in-time recovery and no deletion protection.
      table: { pointInTimeRecovery: false, deletionProtection: false },
      freshness: { asOf: null },
    });
    await put('dr-db', { class: 'database', criticality: 1, owner: 'olga', supportGroup: 'service-desk' });
    await put('dr-app', { class: 'application', criticality: 2 });
    await put('dr-web', { criticality: 2, status: 'maintenance' });
    await put('dr-vault', { class: 'storage_device', criticality: 3 });
    await put('dr-staging', { criticality: 1, environment: 'staging' });
    const added = await agent.request('POST', '/cis/dr-app/relationships', {
      body: { type: 'backed_up_by', target: 'dr-vault' },
    });
    expect(added.status).toBe(201);
    const res = await settled((body) => body.counts.inScope === 3 && body.counts.uncovered === 2);
    expect(res.json.items).toEqual([
      {
        id: 'dr-db',
        name: 'dr-db',
        class: 'database',
        criticality: 1,
        status: 'active',
        owner: 'olga',
        supportGroup: 'service-desk',
      },
      {
        id: 'dr-web',
        name: 'dr-web',
        class: 'server',
        criticality: 2,
        status: 'maintenance',
        owner: null,
        supportGroup: null,
      },
    ]);
    expect(res.json.counts).toEqual({ inScope: 3, uncovered: 2 });
    expect(res.json.freshness.asOf).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(() => drPostureReport.parse(res.json)).not.toThrow();
    // One row a page, the cursor resumes.
    const first = await report('?limit=1');
    expect(first.json.items.map((item: { id: string }) => item.id)).toEqual(['dr-db']);
    const second = await report(`?limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.json.items.map((item: { id: string }) => item.id)).toEqual(['dr-web']);
    expect(second.json.counts).toEqual({ inScope: 3, uncovered: 2 });
  });

  it('retiring the backup target uncovers what it backed up', async () => {
    await put('dr-vault', { class: 'storage_device', criticality: 3, status: 'retired' });
    const res = await settled((body) => body.counts.uncovered === 3);
    expect(res.json.items.map((item: { id: string }) => item.id)).toEqual(['dr-db', 'dr-app', 'dr-web']);
  });

  it('answers CSV on Accept: text/csv', async () => {
    const res = await agent.request('GET', '/reports/dr-posture', { headers: { accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.text).toContain('dr-db');
  });

  it('403 for requesters, 401 without a token, 400 naming a bad parameter', async () => {
    const rita = api(rt, { token: rt.tokenFor('rita', ['requester']) });
    expect((await rita.request('GET', '/reports/dr-posture')).status).toBe(403);
    expect((await api(rt).request('GET', '/reports/dr-posture')).status).toBe(401);
    for (const [query, path] of [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?cursor=forged', 'cursor'],
      ['?from=2026-01-01', 'from'],
    ] as const) {
      const res = await report(query);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.json.errors), query).toContain(path);
    }
  });

  it('is in the OpenAPI document under the reports tag', async () => {
    const doc = (await api(rt).request('GET', '/openapi.json')).json;
    const operation = doc.paths['/reports/dr-posture'].get;
    expect(operation.tags).toEqual(['reports']);
    expect(Object.keys(operation.responses['200'].content)).toContain('text/csv');
  });
});
