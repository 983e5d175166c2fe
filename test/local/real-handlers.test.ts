import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/** Smoke test of the wiring with the real handlers: seed → HTTP → table → stream → bus. */
describe('local runtime with the real handlers', () => {
  let rt: LocalRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(() => rt?.stop());

  it('serves health without a token', async () => {
    const res = await api(rt).request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('has seeded the default groups', async () => {
    const res = await api(rt, { token: rt.adminToken }).request('GET', '/groups');
    expect(res.status).toBe(200);
    expect(res.json.items.length).toBeGreaterThan(0);
  });

  it('publishes the event of a created ticket from the table stream', async () => {
    const alice = rt.tokenFor('alice', ['requester'], { email: 'alice@example.com', name: 'Alice' });
    const created = await api(rt, { token: alice }).request('POST', '/tickets', {
      body: { type: 'incident', title: 'VPN down', impact: 2, urgency: 1 },
    });
    expect(created.status).toBe(201);
    await rt.flushEvents();
    const events = await api(rt, { token: rt.adminToken }).request(
      'GET',
      '/_local/events?detailType=Ticket%20Created',
    );
    expect(events.json.items).toContainEqual(
      expect.objectContaining({
        detailType: 'Ticket Created',
        source: 'opsdesk',
        detail: expect.objectContaining({ eventId: expect.any(String) }),
      }),
    );
  });
});
