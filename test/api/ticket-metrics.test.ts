import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeSchema } from '../../functions/changes/http/schemas.js';
import { ticketSchema } from '../../functions/tickets/http/schemas.js';
import { type ApiClient, api } from '../support/runtime.js';
import { type ChangeStack, normalChange, startChangeStack } from './changes-support.js';

/**
 * Ticket metrics, serviceImpact and caused_by_change over HTTP (docs/ticket-metrics.md#metrics),
 * on the local runtime with DynamoDB Local: the values are on the stored item, agents see them,
 * requesters never do; the change lists the incidents it caused.
 */
describe('ticket metrics, service impact and caused_by_change over HTTP', () => {
  let s: ChangeStack;
  let agent: ApiClient;
  let alice: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    s = await startChangeStack();
    agent = s.http;
    alice = api(s.rt, { token: s.rt.tokenFor('alice', ['requester'], { email: 'alice@example.com' }) });
    admin = api(s.rt, { token: s.rt.adminToken });
  });
  afterAll(() => s?.rt.stop());

  it('keeps metrics through comments and moves; agents read them, requesters never', async () => {
    const created = await alice.request('POST', '/tickets', {
      body: { type: 'incident', title: 'VPN down' },
    });
    expect(created.status).toBe(201);
    expect(created.json).not.toHaveProperty('metrics');
    const id = created.json.id;
    await alice.request('POST', `/tickets/${id}/comments`, { body: { body: 'still down' } });
    await agent.request('POST', `/tickets/${id}/comments`, { body: { body: 'on it' } });
    const resolved = await agent.request('PATCH', `/tickets/${id}`, {
      body: { status: 'resolved', resolution: { code: 'fixed', notes: 'restarted' } },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.json.metrics).toMatchObject({
      reopenCount: 0,
      agentPublicReplies: 1,
      requesterFollowUps: 1,
      fcr: false,
      firstResolvedAt: resolved.json.resolvedAt,
      acknowledgedAt: expect.any(String),
    });
    expect(() => ticketSchema.parse(resolved.json)).not.toThrow();
    const reopened = await alice.request('PATCH', `/tickets/${id}`, { body: { status: 'in_progress' } });
    expect(reopened.status).toBe(200);
    expect(reopened.json).not.toHaveProperty('metrics');
    for (const path of [`/tickets/${id}`, '/tickets?limit=100']) {
      const read = await alice.request('GET', path);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.json)).not.toContain('"metrics"');
    }
    const seen = await agent.request('GET', `/tickets/${id}`);
    expect(seen.json.metrics).toMatchObject({ reopenCount: 1, fcr: null });
    const listed = await agent.request('GET', '/tickets?limit=100');
    expect(listed.json.items.find((t: { id: string }) => t.id === id).metrics.reopenCount).toBe(1);
    // The item itself carries them (what the stream images show).
    const item = await s.rt.deps.dynamo.send(
      new GetCommand({ TableName: s.rt.deps.tableName, Key: { PK: `TICKET#${id}`, SK: 'TICKET' } }),
    );
    expect(item.Item?.metrics).toMatchObject({ reopenCount: 1, requesterFollowUps: 1 });
  });

  it('serviceImpact: agents set and clear it on incidents; 400 elsewhere; 403 for requesters', async () => {
    const created = await agent.request('POST', '/tickets', {
      body: { type: 'incident', title: 'Checkout down', serviceImpact: 'outage' },
    });
    expect(created.status).toBe(201);
    expect(created.json.serviceImpact).toBe('outage');
    const cleared = await agent.request('PATCH', `/tickets/${created.json.id}`, {
      body: { serviceImpact: null },
    });
    expect(cleared.json.serviceImpact).toBeNull();
    const request = await agent.request('POST', '/tickets', {
      body: { type: 'service_request', title: 'x', serviceImpact: 'outage' },
    });
    expect(request.status).toBe(400);
    expect(request.json.errors).toContainEqual(expect.objectContaining({ path: 'serviceImpact' }));
    const bad = await agent.request('PATCH', `/tickets/${created.json.id}`, {
      body: { serviceImpact: 'degraded' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('serviceImpact');
    const own = await alice.request('POST', '/tickets', {
      body: { type: 'incident', title: 'x', serviceImpact: 'outage' },
    });
    expect(own.status).toBe(403);
  });

  it('caused_by_change: the incident names the change; GET /changes/{id} lists causes_incident', async () => {
    const submitted = await s.submit(normalChange(s));
    expect(submitted.status).toBe(201);
    const changeId = submitted.json.id;
    const incident = await agent.request('POST', '/tickets', {
      body: { type: 'incident', title: 'after it' },
    });
    const linked = await agent.request('POST', `/tickets/${incident.json.id}/links`, {
      body: { type: 'caused_by_change', targetId: changeId },
    });
    expect(linked.status).toBe(201);
    expect(linked.json.links).toContainEqual({ type: 'caused_by_change', targetId: changeId });
    const change = await agent.request('GET', `/changes/${changeId}`);
    expect(change.status).toBe(200);
    expect(change.json.links).toEqual([{ type: 'causes_incident', targetId: incident.json.id }]);
    expect(() => changeSchema.parse(change.json)).not.toThrow();
    const again = await agent.request('POST', `/tickets/${incident.json.id}/links`, {
      body: { type: 'caused_by_change', targetId: changeId },
    });
    expect(again.status).toBe(409);
    const unknown = await agent.request('POST', `/tickets/${incident.json.id}/links`, {
      body: { type: 'caused_by_change', targetId: 'CHG-999999' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].path).toBe('targetId');
    const notAChange = await agent.request('POST', `/tickets/${incident.json.id}/links`, {
      body: { type: 'caused_by_change', targetId: 'INC-000001' },
    });
    expect(notAChange.status).toBe(400);
    // Its requester reads the change, without the incidents (they may not see them).
    const forRita = await s.submit(normalChange(s, { requester: { id: 'rita' } }));
    expect(forRita.status).toBe(201);
    await agent.request('POST', `/tickets/${incident.json.id}/links`, {
      body: { type: 'caused_by_change', targetId: forRita.json.id },
    });
    expect((await agent.request('GET', `/changes/${forRita.json.id}`)).json.links).toHaveLength(1);
    const read = await api(s.rt, { token: s.tokens.requester }).request('GET', `/changes/${forRita.json.id}`);
    expect(read.status).toBe(200);
    expect(read.json).not.toHaveProperty('links');
  });

  it('an alert acknowledge acknowledges the incident; alert incidents never get an fcr', async () => {
    const created = await admin.request('PUT', '/integrations/pd-metrics', {
      body: { name: 'PD', kind: 'pagerduty_v2', auth: { mode: 'bearer' } },
    });
    expect(created.status).toBe(201);
    const send = (body: Record<string, unknown>) =>
      api(s.rt).request('POST', '/alerts/v2/enqueue', {
        body: { routing_key: created.json.secret, ...body },
      });
    const trigger = await send({
      event_action: 'trigger',
      dedup_key: 'disk-full',
      payload: { summary: 'Disk full', source: 'db-1', severity: 'error' },
    });
    expect(trigger.status).toBe(202);
    const id = trigger.json.incidentId;
    expect((await agent.request('GET', `/tickets/${id}`)).json.metrics.acknowledgedAt).toBeNull();
    await send({ event_action: 'acknowledge', dedup_key: 'disk-full' });
    const acked = (await agent.request('GET', `/tickets/${id}`)).json;
    expect(acked.metrics.acknowledgedAt).toEqual(expect.any(String));
    await send({ event_action: 'resolve', dedup_key: 'disk-full' });
    const resolved = (await agent.request('GET', `/tickets/${id}`)).json;
    expect(resolved).toMatchObject({ status: 'resolved', metrics: { fcr: null } });
    expect(resolved.metrics.firstResolvedAt).toBe(resolved.resolvedAt);
  });
});
