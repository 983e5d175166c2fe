import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiResponse,
  api,
  type LocalRuntime,
  startTestRuntime,
} from '../support/runtime.js';

/**
 * The reports through the local API (docs/reports.md): tickets created, resolved and reopened over
 * HTTP, the aggregator on the local stream, reports read as JSON and CSV, bad input as problems.
 */
describe('reports over HTTP', () => {
  let rt: LocalRuntime;
  let agent: ApiClient;
  let admin: ApiClient;
  let rita: ApiClient;
  let incident = '';
  let outage = '';

  const at = (iso: string) => rt.clock.set(new Date(iso));
  const ok = async (promise: Promise<ApiResponse>, status = 200): Promise<ApiResponse> => {
    const res = await promise;
    expect(res.status, res.text).toBe(status);
    return res;
  };

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    admin = api(rt, { token: rt.adminToken });
    rita = api(rt, { token: rt.tokenFor('rita', ['requester'], { email: 'rita@example.com' }) });
    at('2026-03-02T09:00:00.000Z');
    await ok(
      admin.request('PUT', '/services/mail', {
        body: {
          class: 'business_service',
          name: 'Mail',
          owner: 'olga',
          supportGroup: 'service-desk',
          portfolioStatus: 'live',
          availabilityTarget: 99.9,
        },
      }),
      201,
    );
    const created = await ok(
      rita.request('POST', '/tickets', { body: { type: 'incident', title: 'VPN down' } }),
      201,
    );
    incident = created.json.id;
    at('2026-03-02T09:30:00.000Z');
    await ok(
      agent.request('PATCH', `/tickets/${incident}`, { body: { status: 'in_progress', assignee: 'ann' } }),
    );
    at('2026-03-03T09:00:00.000Z');
    const resolve = { status: 'resolved', resolution: { code: 'fixed', notes: 'restarted' } };
    await ok(agent.request('PATCH', `/tickets/${incident}`, { body: resolve }));
    at('2026-03-10T08:00:00.000Z');
    await ok(rita.request('PATCH', `/tickets/${incident}`, { body: { status: 'in_progress' } }));
    at('2026-03-11T09:00:00.000Z');
    await ok(agent.request('PATCH', `/tickets/${incident}`, { body: resolve }));
    // An outage of the mail service, 10:00–11:00 on the 12th.
    at('2026-03-12T10:00:00.000Z');
    const down = await ok(
      agent.request('POST', '/tickets', {
        body: { type: 'incident', title: 'Mail down', serviceId: 'mail', impact: 1, urgency: 1 },
      }),
      201,
    );
    outage = down.json.id;
    await ok(agent.request('PATCH', `/tickets/${outage}`, { body: { serviceImpact: 'outage' } }));
    at('2026-03-12T11:00:00.000Z');
    await ok(agent.request('PATCH', `/tickets/${outage}`, { body: resolve }));
    at('2026-03-20T12:00:00.000Z');
    await rt.flushEvents();
  });
  afterAll(() => rt?.stop());

  it('reads incident figures per day: MTTA, MTTR of the final resolution, reopen rate in the first resolution’s day', async () => {
    const res = await ok(
      agent.request('GET', '/reports/incidents?from=2026-03-02&to=2026-03-13&interval=day'),
    );
    const day = (d: string) => res.json.rows.find((r: { period: string }) => r.period === d);
    expect(day('2026-03-02')).toMatchObject({
      key: 'all',
      created: 1,
      resolved: 0,
      mtta: { meanMinutes: 30, count: 1, approximate: true },
    });
    expect(day('2026-03-03')).toMatchObject({
      resolved: 0,
      mttr: { count: 0 },
      reopen: { reopened: 1, firstResolved: 1, percent: 100 },
    });
    expect(day('2026-03-11')).toMatchObject({ resolved: 1, mttr: { meanMinutes: 9 * 24 * 60, count: 1 } });
    expect(day('2026-03-12')).toMatchObject({ created: 1, resolved: 1, mttr: { meanMinutes: 60 } });
    expect(res.json.freshness.asOf).toEqual(expect.any(String));
    const total = await ok(agent.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01'));
    expect(total.json.rows).toEqual([
      expect.objectContaining({
        key: 'all',
        created: 2,
        resolved: 2,
        reopen: { reopened: 1, firstResolved: 2, percent: 50 },
      }),
    ]);
    expect(total.json.rows[0].period).toBeUndefined();
  });

  it('groups by assignee and by service', async () => {
    const byAssignee = await ok(
      agent.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01&groupBy=assignee'),
    );
    expect(byAssignee.json.rows.map((r: { key: string; created: number }) => [r.key, r.created])).toEqual([
      ['ann', 1],
      ['none', 1],
    ]);
    const byService = await ok(
      agent.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01&groupBy=service'),
    );
    expect(byService.json.rows.map((r: { key: string }) => r.key)).toEqual(['mail', 'none']);
    expect(byService.json.truncated).toBe(false);
  });

  it('answers CSV with Accept: text/csv', async () => {
    const res = await ok(
      agent.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01&groupBy=assignee', {
        headers: { accept: 'text/csv' },
      }),
    );
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = res.text.trimEnd().split('\r\n');
    expect(header!.split(',')).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'freshness.asOf',
        'key',
        'created',
        'mtta.meanMinutes',
        'sla.compliancePercent',
        'reopen.percent',
      ]),
    );
    expect(lines).toHaveLength(2);
    const columns = header!.split(',');
    expect(lines[0]!.split(',')[columns.indexOf('key')]).toBe('ann');
    const backlog = await ok(agent.request('GET', '/reports/backlog', { headers: { accept: 'text/csv' } }));
    expect(backlog.text.split('\r\n')[0]).toContain('buckets.0-1');
  });

  it('reads the live backlog and an availability report', async () => {
    at('2026-03-20T12:00:00.000Z');
    const open = await ok(
      rita.request('POST', '/tickets', { body: { type: 'incident', title: 'Printer' } }),
      201,
    );
    await rt.flushEvents();
    const backlog = await ok(agent.request('GET', '/reports/backlog?type=incident'));
    expect(backlog.json).toMatchObject({
      at: '2026-03-20',
      source: 'live',
      rows: [{ key: 'all', open: 1, buckets: { '0-1': 1 } }],
    });
    expect(open.json.id).toMatch(/^INC-/);
    const availability = await ok(
      agent.request('GET', '/reports/availability?serviceId=mail&from=2026-03-12&to=2026-03-13'),
    );
    expect(availability.json).toMatchObject({
      serviceId: 'mail',
      serviceMinutes: 1440,
      outageMinutes: 60,
      availabilityPercent: 95.833,
      target: 99.9,
      targetMet: false,
      outages: [{ incidentId: outage, start: '2026-03-12T10:00:00.000Z', end: '2026-03-12T11:00:00.000Z' }],
    });
    await ok(
      agent.request('GET', '/reports/availability?serviceId=nothing&from=2026-03-12&to=2026-03-13'),
      404,
    );
  });

  it('writes the nightly backlog snapshot on the sweep after 00:05 and reads it for that day', async () => {
    at('2026-03-21T00:06:00.000Z');
    await ok(admin.request('POST', '/_local/sweep'));
    const snapshot = await ok(agent.request('GET', '/reports/backlog?at=2026-03-20'));
    expect(snapshot.json).toMatchObject({ source: 'snapshot', rows: [{ key: 'all', open: 1 }] });
    const none = await ok(agent.request('GET', '/reports/backlog?at=2026-03-01'));
    expect(none.json).toMatchObject({ source: 'none', rows: [] });
    at('2026-03-20T12:00:00.000Z');
  });

  it('answers problem+json naming the parameter for bad input', async () => {
    const cases: [string, string][] = [
      ['/reports/incidents?from=2026-03-10&to=2026-03-01', 'from'],
      ['/reports/incidents?from=2026-03-01&to=2026-03-01', 'from'],
      ['/reports/incidents?from=2025-01-01&to=2026-03-01', 'to'],
      ['/reports/incidents?from=2026-03-01&to=2026-04-01&groupBy=colour', 'groupBy'],
      ['/reports/incidents?from=2026-03-01&to=2026-04-01&interval=hour', 'interval'],
      ['/reports/incidents?from=2026-02-30&to=2026-04-01', 'from'],
      ['/reports/csat?from=2026-03-01&to=2026-04-01&groupBy=risk', 'groupBy'],
      ['/reports/changes?from=2026-03-01&to=2026-04-01&groupBy=assignee', 'groupBy'],
      ['/reports/backlog?at=2026-03-21', 'at'],
      ['/reports/availability?serviceId=mail&from=2026-03-05&to=2026-03-01', 'from'],
      ['/reports/incidents?from=2026-03-01&to=2026-04-01&colour=red', 'colour'],
    ];
    for (const [path, field] of cases) {
      const res = await agent.request('GET', path, { headers: { accept: 'text/csv' } });
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(
        res.json.errors.map((e: { path: string }) => e.path),
        path,
      ).toEqual([field]);
    }
  });

  it('counts a survey and its answer in the day it was sent, by the attribution at resolution', async () => {
    at('2026-03-16T09:00:00.000Z');
    const ticket = await ok(
      rita.request('POST', '/tickets', { body: { type: 'incident', title: 'Monitor flickers' } }),
      201,
    );
    const id = ticket.json.id;
    await ok(
      agent.request('PATCH', `/tickets/${id}`, {
        body: { status: 'in_progress', assignee: 'ann', group: 'service-desk' },
      }),
    );
    at('2026-03-16T10:00:00.000Z');
    await ok(
      agent.request('PATCH', `/tickets/${id}`, {
        body: { status: 'resolved', resolution: { code: 'fixed', notes: 'cable' } },
      }),
    );
    await rt.flushEvents();
    // Answered two days later: still the 16th's figures.
    at('2026-03-18T10:00:00.000Z');
    await ok(rita.request('POST', `/tickets/${id}/feedback`, { body: { rating: 4 } }), 201);
    await rt.flushEvents();
    at('2026-03-20T12:00:00.000Z');
    const report = await ok(agent.request('GET', '/reports/csat?from=2026-03-16&to=2026-03-19&interval=day'));
    expect(report.json.rows).toEqual([
      expect.objectContaining({
        period: '2026-03-16',
        sent: 1,
        responses: 1,
        responseRate: 100,
        average: 4,
        csatPercent: 100,
      }),
      expect.objectContaining({ period: '2026-03-17', sent: 0, responses: 0, responseRate: null }),
      expect.objectContaining({ period: '2026-03-18', sent: 0, responses: 0 }),
    ]);
    const byAssignee = await ok(
      agent.request('GET', '/reports/csat?from=2026-03-16&to=2026-03-17&groupBy=assignee'),
    );
    expect(byAssignee.json.rows).toEqual([
      expect.objectContaining({
        key: 'ann',
        sent: 1,
        distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 },
      }),
    ]);
  });

  it('lets agents read and only admins rebuild; a rebuild is idempotent', async () => {
    await ok(rita.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01'), 403);
    await ok(
      agent.request('POST', '/reports/rebuild', { body: { from: '2026-03-01', to: '2026-04-01' } }),
      403,
    );
    const before = await ok(agent.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01'));
    const started = await ok(
      admin.request('POST', '/reports/rebuild', { body: { from: '2026-03-01', to: '2026-04-01' } }),
      202,
    );
    expect(started.json).toEqual({ from: '2026-03-01', to: '2026-04-01', status: 'started' });
    await ok(
      admin.request('POST', '/reports/rebuild', { body: { from: '2026-04-01', to: '2026-03-01' } }),
      400,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await ok(agent.request('GET', '/reports/incidents?from=2026-03-01&to=2026-04-01'));
    expect(after.json.rows).toEqual(before.json.rows);
  });
});
