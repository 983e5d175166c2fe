import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';
import { SUPPORT, smtpClient } from './email-support.js';

/**
 * A new stack routes and notifies out of the box (docs/email.md#configuration, docs/sla.md#the-sweeper):
 * mailed tickets get an SLA and a group, tickets nobody routed land in the default group, SLA notices
 * nobody else receives go to the fallback address, and those that reach nobody at all are reported.
 */
const MONDAY_10 = '2026-11-23T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(MONDAY_10) + minutes * 60_000).toISOString();

async function ticketBySubject(http: ApiClient, subject: string) {
  const items = (await http.request('GET', '/tickets?limit=100')).json.items;
  return items.find((t: { title: string }) => t.title === subject);
}

describe('working defaults of a new stack', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let smtp: ReturnType<typeof smtpClient>;

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    smtp = smtpClient(rt);
  });
  afterAll(async () => {
    smtp?.close();
    await rt?.stop();
  });

  const sweep = async () => (await admin.request('POST', '/_local/sweep')).json;
  const outboxFor = async (id: string) => {
    await rt.flushEvents();
    return (await admin.request('GET', '/_local/outbox')).json.items.filter((m: { subject: string }) =>
      m.subject.startsWith(`[${id}]`),
    );
  };

  it('a mailed ticket starts at impact 3 × urgency 2 (P4, with an SLA) in the service desk', async () => {
    await admin.request('POST', '/_local/clock', { body: { now: MONDAY_10 } });
    await smtp.send({ from: 'dora@example.com', subject: 'Printer jams', text: 'Again.' });
    await rt.flushEvents();
    const ticket = await ticketBySubject(admin, 'Printer jams');
    expect(ticket).toMatchObject({
      source: 'email',
      impact: 3,
      urgency: 2,
      priority: 4,
      group: 'service-desk',
      sla: { policyId: 'p4', calendarId: 'business-hours' },
    });
    expect(ticket.sla.firstResponse.dueAt).toBe(at(24 * 60)); // 8 business hours: Tuesday 10:00
  });

  it('a ticket created over the API without a group goes to the service desk; a named group is kept', async () => {
    const alice = rt.tokenFor('alice', ['requester'], { email: 'alice@example.com' });
    const mine = await admin.request('POST', '/tickets', {
      token: alice,
      body: { type: 'incident', title: 'no group given' },
    });
    expect(mine.status, mine.text).toBe(201);
    expect(mine.json.group).toBe('service-desk');
    await admin.request('PUT', '/groups/network', { body: { name: 'Network', members: [] } });
    const named = await admin.request('POST', '/tickets', {
      body: { type: 'incident', title: 'routed', group: 'network', requester: { id: 'alice' } },
    });
    expect(named.json.group).toBe('network');
    const listed = (await admin.request('GET', '/tickets?group=service-desk')).json.items;
    expect(listed.map((t: { id: string }) => t.id)).toContain(mine.json.id);
  });

  it('a P1 breach on an unassigned ticket whose group has no address is mailed to the fallback address', async () => {
    await admin.request('POST', '/_local/clock', { body: { now: MONDAY_10 } });
    const t = (
      await admin.request('POST', '/tickets', {
        body: {
          type: 'incident',
          title: 'core switch down',
          impact: 1,
          urgency: 1,
          requester: { id: 'alice' },
        },
      })
    ).json;
    expect(t).toMatchObject({ group: 'service-desk', assignee: null });
    await admin.request('POST', '/_local/clock', { body: { now: at(16) } });
    expect(await sweep()).toMatchObject({ warned: 1, breached: 1, notified: 2, unnotified: 0 });
    const mails = await outboxFor(t.id);
    expect(mails.map((m: { subject: string; to: string[] }) => [m.subject, m.to])).toEqual([
      [`[${t.id}] SLA first response is about to breach: core switch down`, ['oncall@opsdesk.local']],
      [`[${t.id}] SLA first response breached: core switch down`, ['oncall@opsdesk.local']],
    ]);
  });

  it('a group address or an assignee address takes the notice instead of the fallback', async () => {
    await admin.request('PUT', '/groups/network', {
      body: { name: 'Network', members: [], email: 'net@example.com' },
      headers: { 'if-match': '"1"' },
    });
    await admin.request('POST', '/_local/clock', { body: { now: MONDAY_10 } });
    const create = async (extra: Record<string, unknown>) =>
      (
        await admin.request('POST', '/tickets', {
          body: { type: 'incident', title: 'x', impact: 1, urgency: 1, requester: { id: 'alice' }, ...extra },
        })
      ).json;
    const grouped = await create({ group: 'network' });
    const assigned = await create({ assignee: 'ann@example.com' });
    await admin.request('POST', '/_local/clock', { body: { now: at(13) } });
    await sweep();
    expect((await outboxFor(grouped.id)).map((m: { to: string[] }) => m.to)).toEqual([['net@example.com']]);
    expect((await outboxFor(assigned.id)).map((m: { to: string[] }) => m.to)).toEqual([['ann@example.com']]);
  });
});

describe('configured defaults, and no fallback address at all', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let smtp: ReturnType<typeof smtpClient>;

  beforeAll(async () => {
    rt = await startTestRuntime({
      email: { fallbackAddress: null, ticketDefaults: { impact: 2, urgency: 2, group: 'triage' } },
    });
    admin = api(rt, { token: rt.adminToken });
    smtp = smtpClient(rt);
  });
  afterAll(async () => {
    smtp?.close();
    await rt?.stop();
  });

  it('mailed tickets take the configured impact, urgency and group (once the group exists)', async () => {
    await smtp.send({ from: 'erin@example.com', to: SUPPORT, subject: 'Before triage exists', text: 'x' });
    await rt.flushEvents();
    // A default group that does not exist leaves the ticket unrouted rather than refusing the mail.
    expect(await ticketBySubject(admin, 'Before triage exists')).toMatchObject({ priority: 3, group: null });
    await admin.request('PUT', '/groups/triage', { body: { name: 'Triage', members: [] } });
    await smtp.send({ from: 'erin@example.com', to: SUPPORT, subject: 'After triage exists', text: 'x' });
    await rt.flushEvents();
    expect(await ticketBySubject(admin, 'After triage exists')).toMatchObject({
      impact: 2,
      urgency: 2,
      priority: 3,
      group: 'triage',
      sla: { policyId: 'p3' },
    });
  });

  it('reports SLA notices that reach nobody in the sweep summary instead of counting them as notified', async () => {
    await admin.request('POST', '/_local/clock', { body: { now: MONDAY_10 } });
    const t = (
      await admin.request('POST', '/tickets', {
        body: { type: 'incident', title: 'nobody hears', impact: 1, urgency: 1, requester: { id: 'alice' } },
      })
    ).json;
    expect(t).toMatchObject({ group: 'service-desk', assignee: null });
    await admin.request('POST', '/_local/clock', { body: { now: at(16) } });
    const summary = (await admin.request('POST', '/_local/sweep')).json;
    expect(summary).toMatchObject({ warned: 1, breached: 1, notified: 0, unnotified: 2 });
    expect(summary.unnotifiedNotices).toEqual([
      { ticketId: t.id, notice: 'warning', clock: 'firstResponse' },
      { ticketId: t.id, notice: 'breach', clock: 'firstResponse' },
    ]);
    await rt.flushEvents();
    const mails = (await admin.request('GET', '/_local/outbox')).json.items;
    expect(mails.filter((m: { subject: string }) => m.subject.startsWith(`[${t.id}]`))).toEqual([]);
    // Still recorded: the notices are events on the bus for anything else that listens.
    const events = (await admin.request('GET', '/_local/events?detailType=SLA%20Notice%20Due')).json.items;
    expect(events.filter((e: { detail: { ticketId: string } }) => e.detail.ticketId === t.id)).toHaveLength(
      2,
    );
  });
});
