import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/** Monitoring alerts to incidents over HTTP (docs/alerts.md): admin routes, intake, rules, bad input. */
describe('alert intake over HTTP', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let agent: ApiClient;
  let anon: ApiClient;
  let amSecret: string;
  let pdSecret: string;

  const am = (alerts: Record<string, unknown>[], secret = amSecret, integration = 'prom') =>
    anon.request('POST', `/alerts/${integration}`, {
      body: { version: '4', groupKey: '{}:{}', status: 'firing', receiver: 'opsdesk', alerts },
      headers: { authorization: `Bearer ${secret}` },
    });
  const amAlert = (
    fingerprint: string,
    status: 'firing' | 'resolved',
    startsAt: string,
    extra: Record<string, unknown> = {},
  ) => ({
    status,
    labels: { alertname: 'HighLatency', instance: `${fingerprint}:9100`, severity: 'warning' },
    annotations: { summary: `Latency high on ${fingerprint}`, description: 'p99 over 2 s' },
    startsAt,
    endsAt:
      status === 'resolved' ? new Date(Date.parse(startsAt) + 60_000).toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus/graph',
    fingerprint,
    ...extra,
  });
  const pd = (body: Record<string, unknown>) =>
    anon.request('POST', '/alerts/v2/enqueue', { body: { routing_key: pdSecret, ...body } });
  const ticket = async (id: string) => (await agent.request('GET', `/tickets/${id}`)).json;

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    anon = api(rt);
    const created = await admin.request('PUT', '/integrations/prom', {
      body: { name: 'Prometheus', kind: 'alertmanager', auth: { mode: 'bearer' }, noteThrottleMinutes: 0 },
    });
    expect(created.status).toBe(201);
    amSecret = created.json.secret;
    const pdCreated = await admin.request('PUT', '/integrations/pd', {
      body: { name: 'PD sender', kind: 'pagerduty_v2', auth: { mode: 'bearer' } },
    });
    expect(pdCreated.status).toBe(201);
    pdSecret = pdCreated.json.secret;
  });
  afterAll(() => rt?.stop());

  it('administers integrations: secret shown once, never read back; admins only', async () => {
    expect(amSecret).toMatch(/^[0-9a-f]{32}$/);
    const read = await admin.request('GET', '/integrations/prom');
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      id: 'prom',
      kind: 'alertmanager',
      autoResolve: true,
      reopenWindowMinutes: 60,
    });
    expect(JSON.stringify(read.json)).not.toContain(amSecret);
    expect(read.json).not.toHaveProperty('secrets');
    const list = await admin.request('GET', '/integrations');
    expect(list.json.items.map((i: { id: string }) => i.id)).toEqual(['pd', 'prom']);
    const replaced = await admin.request('PUT', '/integrations/prom', {
      body: { name: 'Prometheus', kind: 'alertmanager', auth: { mode: 'bearer' }, noteThrottleMinutes: 0 },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.secret).toBeUndefined();
    expect((await agent.request('GET', '/integrations')).status).toBe(403);
    const bad = await admin.request('PUT', '/integrations/bad', {
      body: {
        name: 'x',
        kind: 'alertmanager',
        auth: { mode: 'sns' },
        mapping: [{ when: { labels: { a: { regex: '(a+)+$' } } } }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'auth.mode',
      'auth.topicArns',
      'mapping.0.when.labels.a.regex',
    ]);
  });

  it('Alertmanager: a group opens one incident per alert; re-notifications and re-fires are told apart; repeats add no history', async () => {
    const t0 = '2026-12-07T05:00:00.000Z';
    const first = await am([
      amAlert('fp-a', 'firing', t0),
      { ...amAlert('fp-b', 'firing', t0), labels: { alertname: 'Down', severity: 'critical' } },
    ]);
    expect(first.status).toBe(200);
    expect(first.json.received).toBe(2);
    expect(first.json.results.map((r: { result: string }) => r.result)).toEqual(['created', 'created']);
    const [a, b] = first.json.results.map((r: { incidentId: string }) => r.incidentId);
    expect(a).not.toBe(b);
    const incident = await ticket(a);
    expect(incident).toMatchObject({
      type: 'incident',
      source: 'alert',
      title: 'Latency high on fp-a',
      impact: 2,
      urgency: 2,
      status: 'new',
    });
    expect(incident.requester).toMatchObject({ id: 'monitoring' });
    expect((await ticket(b)).priority).toBe(1);
    const historyBefore = (await agent.request('GET', `/tickets/${a}/history`)).json.items.length;
    // Alertmanager's repeat_interval re-sends the same alert: a re-notification.
    const again = await am([amAlert('fp-a', 'firing', t0)]);
    expect(again.json.results[0]).toMatchObject({ result: 'renotified', incidentId: a });
    expect((await agent.request('GET', `/tickets/${a}/history`)).json.items).toHaveLength(historyBefore);
    // A more severe fire raises the priority (with history), never lowers it.
    const worse = await am([
      {
        ...amAlert('fp-a', 'firing', '2026-12-07T05:01:00.000Z'),
        labels: { alertname: 'HighLatency', severity: 'critical' },
      },
    ]);
    expect(worse.json.results[0]).toMatchObject({ result: 'deduplicated', incidentId: a });
    expect(await ticket(a)).toMatchObject({ impact: 1, urgency: 1, priority: 1 });
    const milder = await am([amAlert('fp-a', 'firing', '2026-12-07T05:02:00.000Z')]);
    expect(milder.json.results[0].result).toBe('deduplicated');
    expect((await ticket(a)).priority).toBe(1);
  });

  it('Alertmanager: resolve auto-resolves with alert_cleared; a re-fire within the window reopens; stale events are ignored', async () => {
    const t0 = '2026-12-07T05:10:00.000Z';
    const created = await am([amAlert('fp-r', 'firing', t0)]);
    const id = created.json.results[0].incidentId;
    const resolved = await am([amAlert('fp-r', 'resolved', t0)]);
    expect(resolved.json.results[0]).toMatchObject({ result: 'resolved', incidentId: id });
    const closed = await ticket(id);
    expect(closed.status).toBe('resolved');
    expect(closed.resolution).toEqual({
      code: 'alert_cleared',
      notes: expect.stringContaining('Cleared by Prometheus at'),
    });
    expect((await am([amAlert('fp-r', 'resolved', t0)])).json.results[0].result).toBe(
      'ignored_no_open_incident',
    );
    const stale = await am([amAlert('fp-r', 'firing', '2026-12-07T05:00:00.000Z')]);
    expect(stale.json.results[0].result).toBe('ignored_stale');
    const refire = await am([amAlert('fp-r', 'firing', '2026-12-07T05:20:00.000Z')]);
    expect(refire.json.results[0]).toMatchObject({ result: 'reopened', incidentId: id });
    expect((await ticket(id)).status).toBe('in_progress');
    await rt.flushEvents();
    const events = await admin.request('GET', '/_local/events');
    const alertEvents = events.json.items
      .filter(
        (e: { detailType: string; detail: { dedupKey?: string } }) =>
          e.detailType.startsWith('Alert ') && e.detail.dedupKey === 'fp-r',
      )
      .map(
        (e: { detailType: string; detail: { result?: string } }) =>
          `${e.detailType}${e.detail.result ? `:${e.detail.result}` : ''}`,
      );
    expect(alertEvents).toEqual(['Alert Triggered:created', 'Alert Resolved', 'Alert Triggered:reopened']);
  });

  it('one open incident per key under concurrent deliveries; every delivery is counted', async () => {
    const t0 = '2026-12-07T05:30:00.000Z';
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        am([{ ...amAlert('fp-race', 'firing', t0), startsAt: new Date(Date.parse(t0) + i).toISOString() }]),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    const results = replies.map((r) => r.json.results[0]);
    expect(new Set(results.map((r: { incidentId: string }) => r.incidentId)).size).toBe(1);
    expect(results.filter((r: { result: string }) => r.result === 'created')).toHaveLength(1);
  });

  it('maps an alert to a CI by identifier (its support group routes the incident); unmapped otherwise', async () => {
    const group = await admin.request('PUT', '/groups/web-team', {
      body: { name: 'Web team', members: ['ann'] },
    });
    expect(group.status).toBe(201);
    const ci = await agent.request('PUT', '/cis/web-07', {
      body: {
        class: 'server',
        name: 'Web 07',
        identifiers: ['prom:instance=web-07:9100'],
        supportGroup: 'web-team',
      },
    });
    expect({ status: ci.status, errors: ci.json.errors }).toEqual({ status: 201, errors: undefined });
    const mapped = await am([
      {
        ...amAlert('fp-map', 'firing', '2026-12-07T05:40:00.000Z'),
        labels: { alertname: 'Disk', instance: 'web-07:9100', severity: 'error' },
      },
    ]);
    const incident = await ticket(mapped.json.results[0].incidentId);
    expect(incident).toMatchObject({ ciIds: ['web-07'], group: 'web-team', impact: 2, urgency: 1 });
    const unmapped = await am([
      {
        ...amAlert('fp-none', 'firing', '2026-12-07T05:40:00.000Z'),
        labels: { alertname: 'Disk', instance: 'nowhere:9100' },
      },
    ]);
    expect((await ticket(unmapped.json.results[0].incidentId)).ciIds).toEqual([]);
  });

  it('PagerDuty Events v2 on /alerts/v2/enqueue: trigger, dedup, acknowledge → in progress, resolve', async () => {
    const trigger = {
      event_action: 'trigger',
      dedup_key: 'db-1',
      payload: { summary: 'DB down', source: 'db-1.prod', severity: 'critical' },
    };
    const created = await pd(trigger);
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'db-1',
      result: 'created',
    });
    const id = created.json.incidentId;
    expect((await pd(trigger)).json).toMatchObject({ result: 'deduplicated', incidentId: id });
    expect((await pd({ event_action: 'acknowledge', dedup_key: 'db-1' })).json.result).toBe('acknowledged');
    expect((await ticket(id)).status).toBe('in_progress');
    expect((await pd({ event_action: 'resolve', dedup_key: 'db-1' })).json.result).toBe('resolved');
    expect((await ticket(id)).resolution.code).toBe('alert_cleared');
    // Without a dedup key one is generated and returned.
    const generated = await pd({
      event_action: 'trigger',
      payload: { summary: 'CPU', source: 'x', severity: 'warning' },
    });
    expect(generated.json.dedup_key).toMatch(/^[0-9A-Z]{26}$/);
    // The same integration at /alerts/{id} with its secret as bearer.
    const direct = await anon.request('POST', '/alerts/pd', {
      body: {
        event_action: 'trigger',
        dedup_key: 'db-1',
        payload: { summary: 'DB down again', source: 'db-1.prod', severity: 'critical' },
      },
      headers: { authorization: `Bearer ${pdSecret}` },
    });
    expect(direct.status).toBe(202);
    expect(direct.json.result).toBe('reopened');
  });

  it('credentials: missing, wrong and unknown answer alike (401); Basic works; rotation keeps the old secret 24 h', async () => {
    const body = { version: '4', alerts: [] };
    const missing = await anon.request('POST', '/alerts/prom', { body });
    const wrong = await anon.request('POST', '/alerts/prom', {
      body,
      headers: { authorization: 'Bearer nope' },
    });
    const unknown = await anon.request('POST', '/alerts/nobody', {
      body,
      headers: { authorization: `Bearer ${amSecret}` },
    });
    for (const res of [missing, wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(unknown.text).toBe(wrong.text);
    expect((await pd({ routing_key: 'nope', event_action: 'trigger' })).status).toBe(401);
    const basic = Buffer.from(`am:${amSecret}`).toString('base64');
    expect(
      (await anon.request('POST', '/alerts/prom', { body, headers: { authorization: `Basic ${basic}` } }))
        .status,
    ).toBe(200);
    const rotated = await admin.request('POST', '/integrations/prom/secret', {
      headers: { 'idempotency-key': 'rot-1' },
    });
    expect(rotated.status).toBe(201);
    expect(rotated.json.secret).not.toBe(amSecret);
    expect(
      Math.abs(Date.parse(rotated.json.previousValidUntil) - rt.clock.now().getTime() - 24 * 3600_000),
    ).toBeLessThan(10_000);
    expect((await am([], amSecret)).status).toBe(200);
    expect((await am([], rotated.json.secret)).status).toBe(200);
    rt.clock.set(new Date(rt.clock.now().getTime() + 24 * 3600_000 + 31_000));
    expect((await am([], amSecret)).status).toBe(401);
    expect((await am([], rotated.json.secret)).status).toBe(200);
    amSecret = rotated.json.secret;
  });

  it('bad input is a 4xx problem naming the fault, never a 5xx', async () => {
    const auth = { authorization: `Bearer ${amSecret}` };
    const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
      anon.request('POST', path, { body, headers: { 'content-type': 'application/json', ...headers } });
    const cases: [
      string,
      Promise<{ status: number; json: { errors?: { path: string }[]; code: string } }>,
      number,
      string?,
    ][] = [
      ['malformed JSON', post('/alerts/prom', '{"version":'), 400, ''],
      ['wrong version', post('/alerts/prom', JSON.stringify({ version: '3', alerts: [] })), 400, 'version'],
      [
        'bad status',
        post(
          '/alerts/prom',
          JSON.stringify({ version: '4', alerts: [{ status: 'x', labels: {}, startsAt: 'x' }] }),
        ),
        400,
        'alerts.0.status',
      ],
      [
        'too large',
        post('/alerts/prom', JSON.stringify({ version: '4', alerts: [], pad: 'x'.repeat(300 * 1024) })),
        413,
      ],
      [
        'unknown event_action',
        post('/alerts/v2/enqueue', JSON.stringify({ routing_key: pdSecret, event_action: 'explode' }), {}),
        400,
        'event_action',
      ],
      [
        'resolve without dedup_key',
        post('/alerts/v2/enqueue', JSON.stringify({ routing_key: pdSecret, event_action: 'resolve' }), {}),
        400,
        'dedup_key',
      ],
      [
        'summary too long',
        post(
          '/alerts/v2/enqueue',
          JSON.stringify({
            routing_key: pdSecret,
            event_action: 'trigger',
            payload: { summary: 'x'.repeat(1025), source: 's', severity: 'error' },
          }),
          {},
        ),
        400,
        'payload.summary',
      ],
      [
        'bad severity',
        post(
          '/alerts/v2/enqueue',
          JSON.stringify({
            routing_key: pdSecret,
            event_action: 'trigger',
            payload: { summary: 's', severity: 'meh' },
          }),
          {},
        ),
        400,
        'payload.severity',
      ],
    ];
    for (const [name, pending, status, path] of cases) {
      const res = await pending;
      expect({ name, status: res.status }).toEqual({ name, status });
      if (path !== undefined) expect(res.json.errors?.map((e) => e.path)).toContain(path);
    }
    await admin.request('PUT', '/integrations/pd', {
      body: { name: 'PD sender', kind: 'pagerduty_v2', auth: { mode: 'bearer' }, enabled: false },
    });
    // Configuration is cached for 30 s per container (docs/alerts.md#storage).
    rt.clock.set(new Date(rt.clock.now().getTime() + 31_000));
    const disabled = await pd({
      event_action: 'trigger',
      dedup_key: 'x',
      payload: { summary: 's', source: 's' },
    });
    expect(disabled.status).toBe(403);
    expect(disabled.json.code).toBe('integration_disabled');
  });

  it('CloudWatch locally: an alarm event put on the default bus reaches the alerts function as the stack rule does', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const event = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', 'alerts', 'fixtures', 'cloudwatch-alarm-state-change.json'),
        'utf8',
      ),
    );
    // No aws_eventbridge integration yet: the rule matches, nothing is applied.
    const before = await admin.request('POST', '/_local/default-bus', { body: event });
    expect(before.json).toEqual({ matched: true });
    const created = await admin.request('PUT', '/integrations/aws-cloudwatch', {
      body: { name: 'CloudWatch', kind: 'cloudwatch', auth: { mode: 'aws_eventbridge' } },
    });
    expect(created.status).toBe(201);
    expect(created.json.secret).toBeUndefined();
    const applied = await admin.request('POST', '/_local/default-bus', { body: event });
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ matched: true, result: { result: 'created' } });
    const incident = await ticket(applied.json.result.incidentId);
    expect(incident).toMatchObject({ source: 'alert', type: 'incident' });
    // The same event id again (EventBridge delivers at least once) is a duplicate delivery.
    const again = await admin.request('POST', '/_local/default-bus', { body: event });
    expect(again.json.result).toMatchObject({ result: 'duplicate_delivery', incidentId: incident.id });
    // Other events on the bus match no rule of the stack; HTTP posts to an aws_eventbridge integration are refused.
    const other = await admin.request('POST', '/_local/default-bus', {
      body: { ...event, source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' },
    });
    expect(other.json).toEqual({ matched: false });
    expect((await anon.request('POST', '/alerts/aws-cloudwatch', { body: event })).status).toBe(401);
    expect((await agent.request('POST', '/_local/default-bus', { body: event })).status).toBe(403);
    expect((await admin.request('POST', '/_local/default-bus', { body: '{"x":' })).status).toBe(400);
  });
});
