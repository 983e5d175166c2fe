import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failMailOnce, redeliverToNotifier } from '../support/notifier.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// docs/sla.md end to end: clocks on tickets, pauses, reprioritisation, the sweeper (exactly once),
// notifications and the report, driven by the runtime's test clock.
describe('SLA engine', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  let admin: ApiClient;
  const MIN = 60_000;

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    admin = api(rt, { token: rt.adminToken });
    await admin.request('PUT', '/groups/network', {
      body: { name: 'Network', members: ['ann'], email: 'net@example.com' },
    });
  });
  afterAll(() => rt?.stop());
  // Monday 23 Nov 2026, 10:00 UTC: inside the seeded business hours (Mon–Fri 09–17 UTC).
  beforeEach(() => rt.clock.freeze(new Date('2026-11-23T10:00:00.000Z')));

  const at = (minutes: number) =>
    new Date(Date.parse('2026-11-23T10:00:00.000Z') + minutes * MIN).toISOString();
  // Filed by an agent for Alice, so the agent's public comments are first responses.
  const create = async (body: Record<string, unknown>) =>
    (
      await http.request('POST', '/tickets', {
        body: { type: 'incident', title: 'sla', group: 'network', requester: { id: 'alice' }, ...body },
      })
    ).json;
  // Other tests' tickets share the table and the sweeps: assertions look at one ticket's state.
  const slaHistory = async (id: string) =>
    (await http.request('GET', `/tickets/${id}/history`)).json.items.filter(
      (h: { action: string }) => h.action === 'sla',
    );
  const get = async (id: string) => (await http.request('GET', `/tickets/${id}`)).json;
  const sweep = async () => (await admin.request('POST', '/_local/sweep')).json;
  const eventsFor = async (id: string, type: string) => {
    await rt.flushEvents();
    const res = await admin.request('GET', `/_local/events?detailType=${encodeURIComponent(type)}`);
    return res.json.items.filter((e: { detail: { ticketId: string } }) => e.detail.ticketId === id);
  };

  it('P1 runs around the clock: 15 min to first response, 4 h to resolution, warning at 80 %', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    expect(t.sla.policyId).toBe('p1');
    expect(t.sla.firstResponse).toMatchObject({ dueAt: at(15), warnAt: at(12), pausedMs: 0 });
    expect(t.sla.resolution).toMatchObject({ dueAt: at(240), warnAt: at(192) });
  });

  it('P3 counts business hours: 4 h first response from Monday 16:00 is due Tuesday 12:00', async () => {
    rt.clock.set(new Date('2026-11-23T16:00:00.000Z'));
    const t = await create({ impact: 2, urgency: 2 });
    expect(t.sla.policyId).toBe('p3');
    expect(t.sla.firstResponse.dueAt).toBe('2026-11-24T12:00:00.000Z');
    expect(t.sla.resolution.dueAt).toBe('2026-11-26T16:00:00.000Z'); // 3 business days of 8 h: 1 + 8 + 8 + 7
  });

  it('P5 has no SLA', async () => {
    expect((await create({ impact: 3, urgency: 3 })).sla).toBeNull();
  });

  it('on hold pauses both clocks; resuming moves the due times by the paused time', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    await http.request('PATCH', `/tickets/${t.id}`, {
      body: { status: 'on_hold', holdReason: 'awaiting_vendor' },
    });
    rt.clock.set(new Date(at(30)));
    await sweep();
    expect(await slaHistory(t.id)).toEqual([]); // paused clocks are not swept, though 15 min passed
    const resumed = (await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'in_progress' } }))
      .json;
    expect(resumed.sla.firstResponse).toMatchObject({ pausedMs: 30 * MIN, dueAt: at(45), breachedAt: null });
    expect(resumed.sla.resolution.dueAt).toBe(at(270));
    expect(resumed.sla.firstResponse.pauses).toEqual([{ from: at(0), to: at(30) }]);
  });

  it('a public comment by an agent meets first response; a met clock never breaches', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    rt.clock.set(new Date(at(5)));
    await http.request('POST', `/tickets/${t.id}/comments`, {
      body: { body: 'internal first', visibility: 'internal' },
    });
    expect((await get(t.id)).sla.firstResponse.metAt).toBeNull(); // internal notes are not a response
    await http.request('POST', `/tickets/${t.id}/comments`, { body: { body: 'looking into it' } });
    expect((await get(t.id)).sla.firstResponse.metAt).toBe(at(5));
    rt.clock.set(new Date(at(60)));
    await sweep();
    const after = await get(t.id);
    expect(after.sla.firstResponse.breachedAt).toBeNull();
    expect(after.sla.resolution.breachedAt).toBeNull();
  });

  it('the requester commenting is not a first response', async () => {
    const alice = rt.tokenFor('alice', ['requester']);
    const t = (
      await http.request('POST', '/tickets', {
        token: alice,
        body: { type: 'incident', title: 'x', impact: 1, urgency: 1 },
      })
    ).json;
    await http.request('POST', `/tickets/${t.id}/comments`, { token: alice, body: { body: 'any news?' } });
    expect((await get(t.id)).sla.firstResponse.metAt).toBeNull();
  });

  it('warning then breach, each recorded once with events, under repeated and concurrent sweeps', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    rt.clock.set(new Date(at(13)));
    await sweep(); // first response warns at 12 min; resolution only at 192
    expect((await get(t.id)).sla.firstResponse.warnedAt).toBe(at(12));
    expect((await get(t.id)).sla.resolution.warnedAt).toBeNull();
    await sweep();
    expect(await slaHistory(t.id)).toHaveLength(1);
    rt.clock.set(new Date(at(16)));
    await Promise.all(Array.from({ length: 5 }, () => sweep()));
    const after = await get(t.id);
    expect(after.sla.firstResponse).toMatchObject({ warnedAt: at(12), breachedAt: at(15) });
    expect(await eventsFor(t.id, 'SLA Warning')).toHaveLength(1);
    const breaches = await eventsFor(t.id, 'SLA Breached');
    expect(breaches).toHaveLength(1);
    expect(breaches[0].detail).toMatchObject({ clock: 'firstResponse', breachedAt: at(15) });
    expect(await slaHistory(t.id)).toHaveLength(2);
  });

  it('notifies the group by mail: P1 at once, with the ticket id in the subject', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    rt.clock.set(new Date(at(16)));
    await sweep();
    await rt.flushEvents(); // the notices are events: the notifier mails them once published
    const mails = (await admin.request('GET', '/_local/outbox')).json.items.filter((m: { subject: string }) =>
      m.subject.startsWith(`[${t.id}]`),
    );
    expect(mails.map((m: { subject: string }) => m.subject)).toEqual([
      `[${t.id}] SLA first response is about to breach: sla`,
      `[${t.id}] SLA first response breached: sla`,
    ]);
    expect(mails[0]).toMatchObject({ to: ['net@example.com'], automatic: true });
    const notices = await eventsFor(t.id, 'SLA Notice Due');
    expect(notices.map((e: { detail: Record<string, unknown> }) => e.detail)).toEqual([
      expect.objectContaining({ notice: 'warning', clock: 'firstResponse', policyId: 'p1', dueAt: at(15) }),
      expect.objectContaining({ notice: 'breach', clock: 'firstResponse', policyId: 'p1', dueAt: at(15) }),
    ]);
    expect(mails[0].messageId).toBe(`<sla-${notices[0].detail.eventId}@opsdesk.local>`);
  });

  it('a notice whose send fails is retried and mailed once; a redelivered notice mails nothing more', async () => {
    const t = await create({ impact: 1, urgency: 1, title: 'flaky mail', assignee: 'ann@example.com' });
    const outboxFor = () => rt.outbox.filter((m) => m.subject.startsWith(`[${t.id}]`));
    const flaky = failMailOnce(rt, (mail) => mail.subject.startsWith(`[${t.id}]`));
    try {
      rt.clock.set(new Date(at(13)));
      expect(await sweep()).toMatchObject({ warned: 1, notified: 1 });
      await rt.flushEvents();
    } finally {
      flaky.restore();
    }
    expect(flaky.failed()).toBe(1);
    expect(outboxFor().map((m) => [m.subject, m.to])).toEqual([
      [`[${t.id}] SLA first response is about to breach: flaky mail`, ['net@example.com', 'ann@example.com']],
    ]);
    expect(outboxFor()[0]!.text).toBe(
      `${t.id} (P1, new): the first response target is about to breach.\nDue: ${at(15)}\n`,
    );
    const [notice] = await eventsFor(t.id, 'SLA Notice Due');
    expect(await redeliverToNotifier(rt, notice)).toBe('duplicate');
    expect(outboxFor()).toHaveLength(1);
  });

  it('reprioritising recomputes from the original start and keeps a pause that is still running', async () => {
    const t = await create({ impact: 3, urgency: 2 }); // P4, business hours
    await http.request('PATCH', `/tickets/${t.id}`, {
      body: { status: 'on_hold', holdReason: 'awaiting_customer' },
    });
    rt.clock.set(new Date(at(20)));
    const p1 = (await http.request('PATCH', `/tickets/${t.id}`, { body: { impact: 1, urgency: 1 } })).json;
    expect(p1.sla.policyId).toBe('p1');
    expect(p1.sla.firstResponse.pauses).toEqual([{ from: at(0), to: null }]);
    expect(p1.sla.firstResponse.breachedAt).toBeNull();
    rt.clock.set(new Date(at(50)));
    const resumed = (await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'in_progress' } }))
      .json;
    // 24x7 from the original start, 50 paused minutes kept out: 15 + 50.
    expect(resumed.sla.firstResponse).toMatchObject({ dueAt: at(65), pausedMs: 50 * MIN });
  });

  it('resolution stops at resolved and continues on reopen with the time already spent', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    rt.clock.set(new Date(at(60)));
    const resolved = (
      await http.request('PATCH', `/tickets/${t.id}`, {
        body: { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } },
      })
    ).json;
    expect(resolved.sla.resolution.metAt).toBe(at(60));
    expect(resolved.sla.firstResponse.metAt).toBe(at(60)); // resolving also answers
    rt.clock.set(new Date(at(180)));
    const reopened = (await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'in_progress' } }))
      .json;
    expect(reopened.sla.resolution).toMatchObject({ metAt: null, dueAt: at(240 + 120), pausedMs: 120 * MIN });
  });

  it('a clock completed late records its breach at completion, once', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    rt.clock.set(new Date(at(20)));
    await http.request('POST', `/tickets/${t.id}/comments`, { body: { body: 'sorry for the wait' } });
    expect((await get(t.id)).sla.firstResponse).toMatchObject({ metAt: at(20), breachedAt: at(15) });
    expect(await eventsFor(t.id, 'SLA Breached')).toHaveLength(1);
    await sweep();
    expect(await eventsFor(t.id, 'SLA Breached')).toHaveLength(1);
  });

  it('resolved tickets close by themselves after 7 days unless reopened', async () => {
    const stays = await create({ impact: 3, urgency: 3 }); // P5: no SLA, still auto-closed
    const reopened = await create({ impact: 3, urgency: 3 });
    const resolve = { status: 'resolved', resolution: { code: 'fixed', notes: 'done' } };
    rt.clock.set(new Date(at(60)));
    const resolved = (await http.request('PATCH', `/tickets/${stays.id}`, { body: resolve })).json;
    expect(resolved.autoCloseAt).toBe(new Date(Date.parse(at(60)) + 7 * 86_400_000).toISOString());
    await http.request('PATCH', `/tickets/${reopened.id}`, { body: resolve });
    rt.clock.set(new Date(at(24 * 60)));
    const back = (await http.request('PATCH', `/tickets/${reopened.id}`, { body: { status: 'in_progress' } }))
      .json;
    expect(back.autoCloseAt).toBeNull();
    rt.clock.set(new Date(at(7 * 24 * 60 + 59)));
    await sweep();
    expect((await get(stays.id)).status).toBe('resolved');
    rt.clock.set(new Date(at(7 * 24 * 60 + 61)));
    await sweep();
    const closed = await get(stays.id);
    expect(closed).toMatchObject({ status: 'closed', autoCloseAt: null, closedAt: at(7 * 24 * 60 + 61) });
    expect((await get(reopened.id)).status).toBe('in_progress');
    const history = (await http.request('GET', `/tickets/${stays.id}/history`)).json.items;
    expect(history.at(-1)).toMatchObject({
      actor: { id: 'opsdesk-auto-close', name: 'Auto-close' },
      action: 'updated',
    });
    expect(
      (await eventsFor(stays.id, 'Ticket Status Changed')).map(
        (e: { detail: { to: string } }) => e.detail.to,
      ),
    ).toEqual(['resolved', 'closed']);
  });

  it('reports compliance per priority for a period', async () => {
    rt.clock.set(new Date('2027-02-01T10:00:00.000Z'));
    const ok = await create({ impact: 1, urgency: 1 });
    const late = await create({ impact: 1, urgency: 1 });
    rt.clock.set(new Date('2027-02-01T10:10:00.000Z'));
    await http.request('POST', `/tickets/${ok.id}/comments`, { body: { body: 'on it' } });
    await http.request('PATCH', `/tickets/${ok.id}`, {
      body: { status: 'resolved', resolution: { code: 'fixed', notes: 'x' } },
    });
    rt.clock.set(new Date('2027-02-01T10:30:00.000Z'));
    await sweep();
    const res = await http.request(
      'GET',
      '/reports/sla?from=2027-02-01T00:00:00Z&to=2027-02-02T00:00:00Z&type=incident',
    );
    expect(res.status).toBe(200);
    const p1 = res.json.priorities.find((row: { priority: number }) => row.priority === 1);
    expect(p1).toMatchObject({ total: 2, met: 1, breached: 1, compliance: 50 });
    expect(p1.firstResponseMinutes).toEqual({ mean: 10, p90: 10 });
    expect(late.id).toBeDefined();
    const bad = await http.request('GET', '/reports/sla?from=2027-02-02T00:00:00Z&to=2027-02-01T00:00:00Z');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('to');
    const requester = await http.request(
      'GET',
      '/reports/sla?from=2027-02-01T00:00:00Z&to=2027-02-02T00:00:00Z',
      {
        token: rt.tokenFor('alice', ['requester']),
      },
    );
    expect(requester.status).toBe(403);
  });
});

describe('SLA notifications outside the group hours', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    // P2 around the clock, but the group takes non-P1 notifications in business hours only.
    await admin.request('PUT', '/sla-policies/p2', {
      body: {
        name: 'P2 24x7',
        order: 20,
        match: { priority: [2] },
        calendarId: '24x7',
        targets: { firstResponse: 30, resolution: 2880 },
      },
    });
    await admin.request('PUT', '/groups/desk', {
      body: { name: 'Desk', members: [], email: 'desk@example.com', calendarId: 'business-hours' },
    });
    await admin.request('PUT', '/groups/noc', {
      body: { name: 'NOC', members: [], email: 'noc@example.com', calendarId: '24x7' },
    });
  });
  afterAll(() => rt?.stop());

  // Notices are events the notifier mails once published: flush the outbox first.
  const outboxFor = async (id: string) => {
    await rt.flushEvents();
    return (await admin.request('GET', '/_local/outbox')).json.items.filter((m: { subject: string }) =>
      m.subject.startsWith(`[${id}]`),
    );
  };

  it('are recorded at once but mailed when the group hours begin; a 24x7 group is mailed at once', async () => {
    rt.clock.freeze(new Date('2026-11-23T22:00:00.000Z')); // Monday 22:00 UTC
    const create = async (group: string) =>
      (
        await admin.request('POST', '/tickets', {
          body: {
            type: 'incident',
            title: 'night',
            impact: 1,
            urgency: 2,
            group,
            requester: { id: 'alice' },
          },
        })
      ).json;
    const desk = await create('desk');
    const noc = await create('noc');
    rt.clock.set(new Date('2026-11-23T22:40:00.000Z')); // past warning (24 min) and due (30 min)
    await admin.request('POST', '/_local/sweep');
    expect((await admin.request('GET', `/tickets/${desk.id}`)).json.sla.firstResponse.breachedAt).toBe(
      '2026-11-23T22:30:00.000Z',
    );
    expect(await outboxFor(desk.id)).toHaveLength(0);
    expect(await outboxFor(noc.id)).toHaveLength(2);
    const waiting = (await admin.request('GET', `/tickets/${desk.id}`)).json.sla.pendingNotices;
    expect(waiting).toEqual([
      { kind: 'warning', clock: 'firstResponse', notBefore: '2026-11-24T09:00:00.000Z' },
      { kind: 'breach', clock: 'firstResponse', notBefore: '2026-11-24T09:00:00.000Z' },
    ]);
    rt.clock.set(new Date('2026-11-24T03:00:00.000Z'));
    await admin.request('POST', '/_local/sweep');
    expect(await outboxFor(desk.id)).toHaveLength(0);
    rt.clock.set(new Date('2026-11-24T09:01:00.000Z'));
    await admin.request('POST', '/_local/sweep');
    expect((await outboxFor(desk.id)).map((m: { to: string[] }) => m.to)).toEqual([
      ['desk@example.com'],
      ['desk@example.com'],
    ]);
    await admin.request('POST', '/_local/sweep');
    expect(await outboxFor(desk.id)).toHaveLength(2);
  });
});

describe('SLA configuration API', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
  });
  afterAll(() => rt?.stop());

  const berlin = {
    name: 'Berlin office',
    timezone: 'Europe/Berlin',
    hours: {
      mon: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      tue: [['09:00', '17:00']],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    },
    holidays: ['2026-12-25'],
  };

  it('seeds the 24x7 and business-hours calendars and P1–P4 policies', async () => {
    const calendars = (await admin.request('GET', '/calendars')).json.items.map((c: { id: string }) => c.id);
    expect(calendars).toEqual(['24x7', 'business-hours']);
    const policies = (await admin.request('GET', '/sla-policies')).json.items;
    expect(policies.map((p: { id: string }) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(policies[2]).toMatchObject({
      targets: { firstResponse: 240, resolution: 1440 },
      calendarId: 'business-hours',
    });
  });

  it('admins create and replace calendars and policies; the 24x7 calendar is read-only', async () => {
    const created = await admin.request('PUT', '/calendars/berlin', { body: berlin });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const replaced = await admin.request('PUT', '/calendars/berlin', {
      body: { ...berlin, holidays: [] },
      headers: { 'if-match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(
      (await admin.request('PUT', '/calendars/berlin', { body: berlin, headers: { 'if-match': '"1"' } }))
        .status,
    ).toBe(412);
    expect((await admin.request('PUT', '/calendars/24x7', { body: berlin })).status).toBe(409);
    const policy = await admin.request('PUT', '/sla-policies/vip', {
      body: {
        name: 'VIP incidents',
        order: 1,
        match: { type: 'incident', priority: [1, 2] },
        calendarId: 'berlin',
        targets: { firstResponse: 10, resolution: 60 },
      },
    });
    expect(policy.status).toBe(201);
    expect(policy.json).toMatchObject({ warnAt: 0.8, pauseOn: ['on_hold'] });
    const agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    expect((await agent.request('GET', '/sla-policies/vip')).status).toBe(200);
    // The role rule comes before validation: an agent learns nothing about what a valid body is.
    expect((await agent.request('PUT', '/sla-policies/vip', { body: { ...policy.json } })).status).toBe(403);
    expect((await agent.request('PUT', '/calendars/x', { body: berlin })).status).toBe(403);
    expect(
      (await api(rt, { token: rt.tokenFor('bob', ['requester']) }).request('GET', '/calendars')).status,
    ).toBe(403);
    // The new first-matching policy applies to new tickets.
    const t = (
      await agent.request('POST', '/tickets', {
        body: { type: 'incident', title: 'vip', impact: 1, urgency: 1 },
      })
    ).json;
    expect(t.sla).toMatchObject({ policyId: 'vip', calendarId: 'berlin' });
  });

  it.each([
    ['unknown timezone', { ...berlin, timezone: 'Mars/Olympus' }, 'timezone'],
    ['inverted range', { ...berlin, hours: { ...berlin.hours, mon: [['17:00', '09:00']] } }, 'hours.mon'],
    [
      'overlapping ranges',
      {
        ...berlin,
        hours: {
          ...berlin.hours,
          mon: [
            ['09:00', '13:00'],
            ['12:00', '17:00'],
          ],
        },
      },
      'hours.mon',
    ],
    ['malformed time', { ...berlin, hours: { ...berlin.hours, tue: [['9am', '5pm']] } }, 'hours.tue'],
    ['missing weekday', { ...berlin, hours: { mon: [] } }, 'hours.tue'],
    ['impossible date', { ...berlin, holidays: ['2026-02-30'] }, 'holidays.0'],
    ['unknown field', { ...berlin, colour: 'blue' }, 'colour'],
  ])('calendar with %s → 400 naming %s', async (_label, body, path) => {
    const res = await admin.request('PUT', '/calendars/bad', { body });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  const policy = { name: 'p', order: 5, calendarId: '24x7', targets: { firstResponse: 10, resolution: 60 } };
  it.each([
    ['zero target', { ...policy, targets: { firstResponse: 0, resolution: 60 } }, 'targets.firstResponse'],
    ['negative target', { ...policy, targets: { firstResponse: 10, resolution: -5 } }, 'targets.resolution'],
    ['warnAt of 1', { ...policy, warnAt: 1 }, 'warnAt'],
    ['unknown status to pause on', { ...policy, pauseOn: ['waiting'] }, 'pauseOn.0'],
    ['unknown calendar', { ...policy, calendarId: 'nope' }, 'calendarId'],
    ['priority 6', { ...policy, match: { priority: [6] } }, 'match.priority.0'],
  ])('policy with %s → 400 naming %s', async (_label, body, path) => {
    const res = await admin.request('PUT', '/sla-policies/bad', { body });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await admin.request('GET', '/sla-policies/bad')).status).toBe(404);
  });
});

// The test clock over HTTP, as a client drives it: once set it stands still (docs/sla.md#testing-with-the-clock).
describe('SLA due times under a set test clock', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  const clock = async (body: Record<string, unknown>) =>
    (await admin.request('POST', '/_local/clock', { body })).json;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 25));

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    // One business day (8 h on the seeded business-hours calendar, Mon–Fri 09:00–17:00 UTC) for problems.
    const policy = await admin.request('PUT', '/sla-policies/one-day', {
      body: {
        name: 'Problems: one business day',
        order: 1,
        match: { type: 'problem' },
        calendarId: 'business-hours',
        targets: { firstResponse: 480, resolution: 960 },
      },
    });
    expect(policy.status).toBe(201);
  });
  afterAll(() => rt?.stop());

  const createProblem = async (title: string) => {
    const res = await admin.request('POST', '/tickets', {
      body: { type: 'problem', title, requester: { id: 'alice' } },
    });
    expect(res.status, res.text).toBe(201);
    return res.json;
  };

  it('480 business minutes from exactly 09:00 are due at 17:00 the same day, not at 09:00 the next', async () => {
    expect(await clock({ now: '2026-11-23T09:00:00.000Z' })).toEqual({
      now: '2026-11-23T09:00:00.000Z',
      frozen: true,
    });
    await pause(); // real time passes; the test clock does not
    const t = await createProblem('boundary');
    expect(t.createdAt).toBe('2026-11-23T09:00:00.000Z');
    expect(t.sla).toMatchObject({ policyId: 'one-day', calendarId: 'business-hours' });
    expect(t.sla.firstResponse).toMatchObject({
      startedAt: '2026-11-23T09:00:00.000Z',
      dueAt: '2026-11-23T17:00:00.000Z',
    });
    expect(t.sla.resolution.dueAt).toBe('2026-11-24T17:00:00.000Z');
  });

  it('advancing moves the standing instant exactly; what happens at one instant keeps its order', async () => {
    await clock({ now: '2026-11-23T09:00:00.000Z' });
    expect(await clock({ advanceMinutes: 30 })).toEqual({ now: '2026-11-23T09:30:00.000Z', frozen: true });
    await pause();
    const t = await createProblem('ordered');
    expect(t.createdAt).toBe('2026-11-23T09:30:00.000Z');
    expect(t.sla.firstResponse.dueAt).toBe('2026-11-24T09:30:00.000Z'); // 7 h 30 today, 30 min tomorrow
    for (const status of ['in_progress', 'known_error']) {
      // A problem reaches known_error only with a record (docs/problems.md#problems).
      const body = status === 'known_error' ? { status, workaround: 'Restart it' } : { status };
      const res = await admin.request('PATCH', `/tickets/${t.id}`, { body });
      expect(res.status, res.text).toBe(200);
    }
    for (const text of ['first', 'second', 'third']) {
      await admin.request('POST', `/tickets/${t.id}/comments`, {
        body: { body: text, visibility: 'internal' },
      });
    }
    const history = (await admin.request('GET', `/tickets/${t.id}/history`)).json.items;
    expect(history.map((h: { action: string; at: string }) => [h.action, h.at])).toEqual([
      ['created', '2026-11-23T09:30:00.000Z'],
      ['updated', '2026-11-23T09:30:00.000Z'],
      ['updated', '2026-11-23T09:30:00.000Z'],
      ['commented', '2026-11-23T09:30:00.000Z'],
      ['commented', '2026-11-23T09:30:00.000Z'],
      ['commented', '2026-11-23T09:30:00.000Z'],
    ]);
    const comments = (await admin.request('GET', `/tickets/${t.id}/comments`)).json.items;
    expect(comments.map((c: { body: string }) => c.body)).toEqual(['first', 'second', 'third']);
    const latest = (await admin.request('GET', `/tickets/${t.id}`)).json;
    expect(latest).toMatchObject({ version: 6, updatedAt: '2026-11-23T09:30:00.000Z' });
  });

  it('{"real": true} returns to real, running time', async () => {
    const real = await clock({ real: true });
    expect(real.frozen).toBe(false);
    expect(Math.abs(Date.parse(real.now) - Date.now())).toBeLessThan(5_000);
    const t = await createProblem('real time');
    expect(Math.abs(Date.parse(t.createdAt) - Date.now())).toBeLessThan(5_000);
  });
});
