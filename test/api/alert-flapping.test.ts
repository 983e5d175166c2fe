import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * Rule 7 over HTTP (docs/alerts.md#flapping): flapping holds the incident's status, and its end is
 * a timer of the sweeper's due index, run here by POST /_local/sweep as on AWS every minute.
 */
describe('alert incidents over HTTP: flapping, storms and the alert block', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let agent: ApiClient;
  let secret: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    const created = await admin.request('PUT', '/integrations/flappy', {
      body: {
        name: 'Flappy',
        kind: 'pagerduty_v2',
        auth: { mode: 'bearer' },
        flap: { transitions: 4, windowMinutes: 30, quietMinutes: 15 },
      },
    });
    expect(created.status).toBe(201);
    secret = created.json.secret;
  });
  afterAll(() => rt?.stop());

  const send = (action: 'trigger' | 'resolve') =>
    api(rt).request('POST', '/alerts/v2/enqueue', {
      body: {
        routing_key: secret,
        event_action: action,
        dedup_key: 'disk-db-1',
        payload: { summary: 'Disk 95% on db-1', source: 'db-1', severity: 'error' },
      },
    });
  const advance = (minutes: number) =>
    admin.request('POST', '/_local/clock', { body: { advanceMinutes: minutes } });
  const events = async (type: string) =>
    (await admin.request('GET', `/_local/events?detailType=${encodeURIComponent(type)}`)).json.items;

  it('four changes in 30 min: the clear is held (flapping); the sweep at the quiet end resolves it', async () => {
    const created = await send('trigger');
    const id = created.json.incidentId;
    expect(created.json.result).toBe('created');
    await advance(2);
    expect((await send('resolve')).json.result).toBe('resolved');
    await advance(2);
    expect((await send('trigger')).json.result).toBe('reopened');
    await advance(2);
    const held = await send('resolve');
    expect(held.status).toBe(202);
    expect(held.json).toMatchObject({ result: 'flapping', incidentId: id });
    expect((await agent.request('GET', `/tickets/${id}`)).json.status).toBe('in_progress');
    await advance(3);
    expect((await send('trigger')).json.result).toBe('flapping');
    await advance(1);
    expect((await send('resolve')).json.result).toBe('flapping');
    // 14 min after the last change: still flapping.
    await advance(14);
    expect((await admin.request('POST', '/_local/sweep')).json.alertFlapsEnded).toBe(0);
    await advance(2);
    expect((await admin.request('POST', '/_local/sweep')).json.alertFlapsEnded).toBe(1);
    const ticket = (await agent.request('GET', `/tickets/${id}`)).json;
    expect(ticket).toMatchObject({
      status: 'resolved',
      resolution: { code: 'alert_cleared', notes: 'Cleared after flapping ended' },
    });
    const notes = (await agent.request('GET', `/tickets/${id}/comments`)).json.items;
    expect(
      notes.some(
        (c: { body: string; visibility: string }) =>
          c.visibility === 'internal' && /is flapping/.test(c.body),
      ),
    ).toBe(true);
    await rt.flushEvents(5_000);
    expect(await events('Alert Flapping Started')).toHaveLength(1);
    expect((await events('Alert Flapping Ended'))[0].detail).toMatchObject({
      integrationId: 'flappy',
      dedupKey: 'disk-db-1',
      incidentId: id,
      state: 'resolved',
    });
    expect((await admin.request('POST', '/_local/sweep')).json.alertFlapsEnded).toBe(0);
  });

  it('the incident carries its alert block (agents only); the ticket item holds firstFiredAt, acknowledgedAt and clearedAt', async () => {
    const pd = (body: Record<string, unknown>) =>
      api(rt).request('POST', '/alerts/v2/enqueue', { body: { routing_key: secret, ...body } });
    const created = await pd({
      event_action: 'trigger',
      dedup_key: 'api-5xx',
      payload: {
        summary: 'API 5xx rate 12%',
        source: 'api-gw',
        severity: 'critical',
        custom_details: { region: 'eu-west-1' },
      },
      client_url: 'https://grafana.example/d/api',
    });
    const id = created.json.incidentId;
    const view = (await agent.request('GET', `/tickets/${id}`)).json;
    expect(view.serviceImpact).toBe('outage');
    expect(view.alert).toMatchObject({
      integrationId: 'flappy',
      dedupKey: 'api-5xx',
      state: 'firing',
      fireCount: 1,
      notificationCount: 1,
      severity: 'critical',
      labels: { source: 'api-gw', region: 'eu-west-1' },
      generatorUrl: 'https://grafana.example/d/api',
      unmapped: true,
      flapping: false,
      flapQuietUntil: null,
      autoResolve: true,
      clearedAt: null,
      acknowledgedAt: null,
    });
    expect(view.alert.firstFiredAt).toBe(view.alert.lastFiredAt);
    // Requesters never see it (the requester of an alert incident is the integration's default anyway).
    const requester = api(rt, { token: rt.tokenFor('monitoring', ['requester']) });
    const asRequester = await requester.request('GET', `/tickets/${id}`);
    expect(asRequester.status).toBe(200);
    expect(asRequester.json).not.toHaveProperty('alert');
    expect(
      (await requester.request('PATCH', `/tickets/${id}`, { body: { alert: { autoResolve: false } } }))
        .status,
    ).toBe(403);

    await pd({ event_action: 'acknowledge', dedup_key: 'api-5xx' });
    const item = async () =>
      (
        await rt.deps.dynamo.send(
          new GetCommand({ TableName: rt.tableName, Key: { PK: `TICKET#${id}`, SK: 'TICKET' } }),
        )
      ).Item;
    const acknowledged = (await item())!;
    expect(acknowledged.alert.firstFiredAt).toBe(view.alert.firstFiredAt);
    expect(acknowledged.alert.acknowledgedAt).toEqual(expect.any(String));

    // Agents turn auto-resolve off for this incident: the clear then leaves it open, with a note.
    const patched = await agent.request('PATCH', `/tickets/${id}`, {
      body: { alert: { autoResolve: false } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.alert.autoResolve).toBe(false);
    const history = (await agent.request('GET', `/tickets/${id}/history`)).json.items;
    expect(history.at(-1).changes.map((c: { field: string }) => c.field)).toEqual(['alert']);
    expect((await pd({ event_action: 'resolve', dedup_key: 'api-5xx' })).json.result).toBe('resolved');
    const kept = (await agent.request('GET', `/tickets/${id}`)).json;
    expect(kept.status).toBe('in_progress');
    expect(kept.alert).toMatchObject({
      state: 'resolved',
      autoResolve: false,
      clearedAt: expect.any(String),
    });
    expect((await item())!.alert.clearedAt).toBe(kept.alert.clearedAt);

    // Only alert incidents carry the block.
    const plain = await agent.request('POST', '/tickets', {
      body: { type: 'incident', title: 'Printer jam', description: 'x' },
      headers: { 'idempotency-key': 'alert-block-plain' },
    });
    const refused = await agent.request('PATCH', `/tickets/${plain.json.id}`, {
      body: { alert: { autoResolve: false } },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.errors.map((e: { path: string }) => e.path)).toEqual(['alert']);
  });

  it('a storm: past stormLimit new incidents in a minute, new keys attach to one "Alert storm on …" incident', async () => {
    const created = await admin.request('PUT', '/integrations/stormy', {
      body: {
        name: 'Stormy',
        kind: 'pagerduty_v2',
        auth: { mode: 'bearer' },
        stormLimit: { newIncidentsPerMinute: 3 },
      },
    });
    const send = (key: string, action = 'trigger') =>
      api(rt).request('POST', '/alerts/v2/enqueue', {
        body: {
          routing_key: created.json.secret,
          event_action: action,
          dedup_key: key,
          payload: { summary: `Node ${key} down`, source: key, severity: 'error' },
        },
      });
    const answers = await Promise.all(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((key) => send(key)));
    const created3 = answers.filter((a) => a.json.result === 'created');
    // Three of their own, then the storm incident (created by the first key past the limit).
    expect(created3).toHaveLength(4);
    const incidents = new Set(answers.map((a) => a.json.incidentId));
    expect(incidents.size).toBe(4);
    await rt.flushEvents(5_000);
    const started = (await admin.request('GET', '/_local/events?detailType=Alert%20Storm%20Started')).json
      .items;
    expect(started).toHaveLength(1);
    const stormId = started[0].detail.incidentId;
    expect((await agent.request('GET', `/tickets/${stormId}`)).json.title).toBe('Alert storm on Stormy');
    const attached = answers.filter((a) => a.json.incidentId === stormId).map((a) => a.json.dedup_key);
    expect(attached).toHaveLength(3);
    for (const key of attached.slice(0, -1))
      expect((await send(key, 'resolve')).json.result).toBe('resolved');
    expect((await agent.request('GET', `/tickets/${stormId}`)).json.status).toBe('new');
    await send(attached.at(-1), 'resolve');
    expect((await agent.request('GET', `/tickets/${stormId}`)).json.status).toBe('resolved');
  });
});
