import { describe, expect, it } from 'vitest';
import { type CausedIncident, changeFacts } from '../../functions/reports/change-facts.js';
import { changeLedger, ticketLedger } from '../../functions/reports/contributions.js';
import { csatEventOf, csatEventsOfSurvey } from '../../functions/reports/csat-events.js';
import { difference, touchedItems } from '../../functions/reports/ledger.js';
import type { GroupBy, Interval } from '../../functions/reports/period.js';
import { RELATIVE_ACCURACY } from '../../functions/reports/sketch.js';
import { ticketFacts } from '../../functions/reports/ticket-facts.js';
import { admin, agent, applyVersions, reportWorld, requester, ticketItem } from './support.js';

const MARCH = {
  from: '2026-03-01',
  to: '2026-04-01',
  groupBy: 'none' as GroupBy,
  interval: 'none' as Interval,
};
const incidents = (q: Partial<typeof MARCH> & Record<string, unknown> = {}) => ({
  ...MARCH,
  type: 'incident' as const,
  ...q,
});

const created = { status: 'new', updatedAt: '2026-03-02T09:00:00.000Z' };
const assigned = { status: 'in_progress', assignee: 'ann', updatedAt: '2026-03-02T09:30:00.000Z' };
const resolvedOn3rd = {
  status: 'resolved',
  assignee: 'ann',
  resolvedAt: '2026-03-03T09:00:00.000Z',
  updatedAt: '2026-03-03T09:00:00.000Z',
};
const reopenedOn10th = {
  status: 'in_progress',
  assignee: 'ann',
  resolvedAt: null,
  updatedAt: '2026-03-10T08:00:00.000Z',
};
const resolvedOn11th = {
  status: 'resolved',
  assignee: 'ann',
  resolvedAt: '2026-03-11T09:00:00.000Z',
  updatedAt: '2026-03-11T09:00:00.000Z',
};

describe('ticket aggregation', () => {
  it('counts creation, acknowledgement and resolution in their own days, exactly', async () => {
    const { aggregator, reports } = reportWorld();
    await applyVersions(aggregator, [created, assigned, resolvedOn3rd]);
    const report = await reports.incidents(
      agent,
      incidents({ interval: 'day', from: '2026-03-02', to: '2026-03-04' }),
    );
    const [day2, day3] = report.rows;
    expect(day2).toMatchObject({ period: '2026-03-02', created: 1, resolved: 0 });
    expect(day2!.mtta).toMatchObject({ meanMinutes: 30, count: 1, approximate: true });
    expect(day2!.mtta.p50Minutes).toBeCloseTo(30, -0.5);
    expect(day3).toMatchObject({ period: '2026-03-03', created: 0, resolved: 1 });
    expect(day3!.mttr).toMatchObject({ meanMinutes: 1440, count: 1 });
    expect(Math.abs(day3!.mttr.p90Minutes! - 1440) / 1440).toBeLessThanOrEqual(RELATIVE_ACCURACY);
    expect(day3!.fcr).toEqual({ count: 0, eligible: 1, percent: 0 });
    expect(day3!.reopen).toEqual({ reopened: 0, firstResolved: 1, percent: 0 });
  });

  it('never counts a redelivered or older record twice', async () => {
    const { aggregator, reports, store } = reportWorld();
    await applyVersions(aggregator, [created, assigned, resolvedOn3rd]);
    const writes = store.transactions;
    const again = ticketItem({ ...resolvedOn3rd, version: 3 });
    expect(await aggregator.applyTicket('INC-000001', 3, again, 'x')).toBe('already');
    expect(await aggregator.applyTicket('INC-000001', 2, ticketItem({ ...assigned, version: 2 }), 'x')).toBe(
      'already',
    );
    expect(store.transactions).toBe(writes);
    const [row] = (await reports.incidents(agent, incidents())).rows;
    expect(row).toMatchObject({ created: 1, resolved: 1 });
    expect(row!.mttr.count).toBe(1);
  });

  it('reverses a resolution in its original day on reopen and counts the next one', async () => {
    const { aggregator, reports } = reportWorld();
    await applyVersions(aggregator, [created, assigned, resolvedOn3rd, reopenedOn10th]);
    let rows = (
      await reports.incidents(agent, incidents({ interval: 'day', from: '2026-03-03', to: '2026-03-12' }))
    ).rows;
    const day = (d: string) => rows.find((r) => r.period === d)!;
    expect(day('2026-03-03')).toMatchObject({
      resolved: 0,
      reopen: { reopened: 1, firstResolved: 1, percent: 100 },
    });
    expect(day('2026-03-03').mttr.count).toBe(0);
    await applyVersions(aggregator, [created, assigned, resolvedOn3rd, reopenedOn10th, resolvedOn11th]);
    rows = (
      await reports.incidents(agent, incidents({ interval: 'day', from: '2026-03-03', to: '2026-03-12' }))
    ).rows;
    expect(day('2026-03-03')).toMatchObject({ resolved: 0, reopen: { reopened: 1, firstResolved: 1 } });
    expect(day('2026-03-11')).toMatchObject({ resolved: 1 });
    expect(day('2026-03-11').mttr.meanMinutes).toBe(9 * 24 * 60);
    const [total] = (await reports.incidents(agent, incidents())).rows;
    expect(total).toMatchObject({
      created: 1,
      resolved: 1,
      reopen: { reopened: 1, firstResolved: 1, percent: 100 },
    });
  });

  it('takes metrics from the ticket when it carries them', () => {
    const facts = ticketFacts(
      ticketItem({
        ...resolvedOn3rd,
        metrics: {
          acknowledgedAt: '2026-03-02T09:05:00.000Z',
          firstResolvedAt: '2026-03-02T20:00:00.000Z',
          reopenCount: 2,
          fcr: false,
        },
      }),
    )!;
    expect(facts).toMatchObject({
      acknowledgedAt: '2026-03-02T09:05:00.000Z',
      firstResolvedAt: '2026-03-02T20:00:00.000Z',
      reopened: true,
      fcr: false,
    });
    expect(ticketFacts(ticketItem({ type: 'problem' }))).toBeUndefined();
    const fcr = ticketFacts(ticketItem({ ...resolvedOn3rd, metrics: { fcr: true, reopenCount: 0 } }))!;
    expect(fcr).toMatchObject({ fcr: true, reopened: false });
  });

  it('counts SLA clocks once each, in their completion day; alert tickets are not FCR-eligible', async () => {
    const { aggregator, reports } = reportWorld();
    const sla = {
      firstResponse: { metAt: '2026-03-02T09:10:00.000Z', breachedAt: null },
      resolution: { metAt: '2026-03-03T09:00:00.000Z', breachedAt: '2026-03-02T13:00:00.000Z' },
    };
    await applyVersions(aggregator, [
      {
        ...created,
        sla,
        source: 'alert',
        alert: { firstFiredAt: '2026-03-02T08:50:00.000Z', clearedAt: '2026-03-02T10:50:00.000Z' },
        ...resolvedOn3rd,
      },
    ]);
    const [row] = (await reports.incidents(agent, incidents())).rows;
    expect(row!.sla).toEqual({ met: 1, breached: 1, compliancePercent: 50 });
    expect(row!.fcr).toEqual({ count: 0, eligible: 0, percent: null });
    expect(row!.mttrRestore).toMatchObject({ meanMinutes: 120, count: 1 });
  });

  it('moves figures with a reassignment: groupBy reads each value once', async () => {
    const { aggregator, reports } = reportWorld();
    await applyVersions(aggregator, [created, { ...assigned, group: 'apps' }]);
    await aggregator.applyTicket('INC-000002', 1, ticketItem({ id: 'INC-000002', group: 'network' }), 'x');
    const report = await reports.incidents(agent, incidents({ groupBy: 'group' }));
    expect(report.rows.map((r) => [r.key, r.created])).toEqual([
      ['apps', 1],
      ['network', 1],
    ]);
    expect(report.truncated).toBe(false);
    expect(reports.lastRead).toMatchObject({ partitions: 3, maxPagesPerPartition: 1 });
  });

  it('answers a long period from month items and edge days with the same figures as from days', async () => {
    const { aggregator, reports } = reportWorld();
    const days = ['2026-01-20', '2026-02-10', '2026-03-02', '2026-05-31', '2026-07-03', '2026-07-20'];
    for (const [i, day] of days.entries()) {
      const id = `INC-00010${i}`;
      await aggregator.applyTicket(
        id,
        1,
        ticketItem({ id, createdAt: `${day}T09:00:00.000Z`, group: i % 2 ? 'apps' : 'network' }),
        'x',
      );
      await aggregator.applyTicket(
        id,
        2,
        ticketItem({
          id,
          createdAt: `${day}T09:00:00.000Z`,
          group: i % 2 ? 'apps' : 'network',
          ...resolvedOn3rd,
          resolvedAt: `${day}T10:00:00.000Z`,
        }),
        'x',
      );
    }
    const long = { from: '2026-01-15', to: '2026-07-10', type: 'incident' as const };
    const none = await reports.incidents(agent, { ...long, groupBy: 'none', interval: 'none' });
    expect(reports.lastRead).toMatchObject({ partitions: 1, pages: 3 }); // two edge-day ranges and the months
    expect(none.rows).toEqual([expect.objectContaining({ key: 'all', created: 5, resolved: 5 })]);
    expect(none.rows[0]!.mttr).toMatchObject({ meanMinutes: 60, count: 5 });
    const byMonth = await reports.incidents(agent, { ...long, groupBy: 'group', interval: 'month' });
    const daily = await reports.incidents(agent, { ...long, groupBy: 'group', interval: 'day' });
    const total = (rows: typeof byMonth.rows, key: string) =>
      rows.filter((r) => r.key === key).reduce((n, r) => n + r.created, 0);
    for (const key of ['apps', 'network']) expect(total(byMonth.rows, key)).toBe(total(daily.rows, key));
    expect(byMonth.rows.filter((r) => r.key === 'network').map((r) => [r.period, r.created])).toEqual([
      ['2026-01-01', 1],
      ['2026-02-01', 0],
      ['2026-03-01', 1],
      ['2026-04-01', 0],
      ['2026-05-01', 0],
      ['2026-06-01', 0],
      ['2026-07-01', 1],
    ]);
  });

  it('keeps service requests apart from incidents', async () => {
    const { aggregator, reports } = reportWorld();
    await aggregator.applyTicket(
      'REQ-000001',
      1,
      ticketItem({ id: 'REQ-000001', type: 'service_request' }),
      'x',
    );
    expect((await reports.incidents(agent, incidents())).rows[0]!.created).toBe(0);
    expect((await reports.incidents(agent, incidents({ type: 'service_request' }))).rows[0]!.created).toBe(1);
  });

  it('counts days in the report time zone', async () => {
    const { aggregator, reports } = reportWorld('Pacific/Auckland');
    await applyVersions(aggregator, [{ createdAt: '2026-03-02T12:30:00.000Z' }]);
    const rows = (
      await reports.incidents(agent, incidents({ interval: 'day', from: '2026-03-02', to: '2026-03-04' }))
    ).rows;
    expect(rows.map((r) => [r.period, r.created])).toEqual([
      ['2026-03-02', 0],
      ['2026-03-03', 1],
    ]);
  });

  it('costs one transaction per applied change, within DynamoDB’s 100 actions', () => {
    const before = ticketFacts(ticketItem({ ...assigned }))!;
    const after = ticketFacts(
      ticketItem({ ...resolvedOn3rd, group: 'apps', priority: 1, serviceId: 'mail' }),
      before,
    )!;
    const change = difference(ticketLedger(after, 'UTC'), ticketLedger(before, 'UTC'));
    expect(touchedItems(change)).toBeGreaterThan(0);
    expect(touchedItems(change)).toBeLessThan(100);
  });

  it('refuses readers without agent rights', async () => {
    const { reports } = reportWorld();
    await expect(reports.incidents(requester, incidents())).rejects.toMatchObject({ status: 403 });
    await expect(reports.rebuild(agent, { from: '2026-03-01', to: '2026-03-02' })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('starts a rebuild for admins only, with the range checked', async () => {
    const { reports, rebuilds } = reportWorld();
    await expect(reports.rebuild(admin, { from: '2026-03-02', to: '2026-03-01' })).rejects.toMatchObject({
      status: 400,
    });
    expect(await reports.rebuild(admin, { from: '2026-03-01', to: '2026-03-02' })).toMatchObject({
      status: 'started',
    });
    expect(rebuilds).toEqual([{ from: '2026-03-01', to: '2026-03-02' }]);
  });
});

describe('backlog', () => {
  it('counts open tickets by creation day into age buckets; resolution takes them out', async () => {
    const { aggregator, reports } = reportWorld();
    await aggregator.applyTicket('INC-000001', 1, ticketItem({ createdAt: '2026-03-20T08:00:00.000Z' }), 'x');
    await aggregator.applyTicket(
      'INC-000002',
      1,
      ticketItem({ id: 'INC-000002', createdAt: '2026-03-17T08:00:00.000Z' }),
      'x',
    );
    await aggregator.applyTicket(
      'INC-000003',
      1,
      ticketItem({ id: 'INC-000003', createdAt: '2025-10-01T08:00:00.000Z', group: 'apps' }),
      'x',
    );
    await aggregator.applyTicket(
      'INC-000004',
      1,
      ticketItem({ id: 'INC-000004', createdAt: '2026-03-01T08:00:00.000Z' }),
      'x',
    );
    await aggregator.applyTicket(
      'INC-000004',
      2,
      ticketItem({ id: 'INC-000004', createdAt: '2026-03-01T08:00:00.000Z', ...resolvedOn3rd }),
      'x',
    );
    const live = await reports.backlog(agent, { type: 'incident', groupBy: 'none' });
    expect(live).toMatchObject({ at: '2026-03-20', source: 'live' });
    expect(live.rows).toEqual([
      { key: 'all', open: 3, buckets: { '0-1': 1, '2-5': 1, '6-30': 0, '31-90': 0, '>90': 1 } },
    ]);
    const byGroup = await reports.backlog(agent, { type: 'incident', groupBy: 'group' });
    expect(byGroup.rows.map((r) => [r.key, r.open])).toEqual([
      ['network', 2],
      ['apps', 1],
    ]);
  });

  it('refuses a day after today at /at and reads earlier days from the nightly snapshot', async () => {
    const { aggregator, reports, store, clock } = reportWorld();
    await expect(
      reports.backlog(agent, { at: '2026-03-21', type: 'incident', groupBy: 'none' }),
    ).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'at' }],
    });
    expect(
      (await reports.backlog(agent, { at: '2026-03-19', type: 'incident', groupBy: 'none' })).source,
    ).toBe('none');
    await aggregator.applyTicket('INC-000001', 1, ticketItem({ createdAt: '2026-03-18T08:00:00.000Z' }), 'x');
    const { ReportJobs } = await import('../../functions/reports/jobs.js');
    const none = async () => ({ items: [] });
    const jobs = new ReportJobs(
      aggregator,
      store,
      { tickets: none, changes: none, surveys: none },
      clock,
      'UTC',
    );
    clock.set(new Date('2026-03-21T00:04:00.000Z'));
    expect(await jobs.snapshotIfDue()).toEqual([]);
    clock.set(new Date('2026-03-21T00:05:00.000Z'));
    expect(await jobs.snapshotIfDue()).toEqual(['INC#2026-03-20']); // no request was ever open: none
    expect(await jobs.snapshotIfDue()).toEqual([]);
    // Later changes do not touch the snapshot.
    await aggregator.applyTicket(
      'INC-000001',
      2,
      ticketItem({ createdAt: '2026-03-18T08:00:00.000Z', ...resolvedOn3rd }),
      'x',
    );
    const snapshot = await reports.backlog(agent, { at: '2026-03-20', type: 'incident', groupBy: 'none' });
    expect(snapshot).toMatchObject({
      source: 'snapshot',
      rows: [{ key: 'all', open: 1, buckets: { '2-5': 1 } }],
    });
  });
});

describe('rebuild', () => {
  it('replays tickets and changes by creation time, surveys by mailing, idempotent with the markers', async () => {
    const { aggregator, store, clock, reports, changes } = reportWorld();
    const { ReportJobs } = await import('../../functions/reports/jobs.js');
    const tickets = [
      ticketItem({ id: 'INC-000001', ...resolvedOn3rd, version: 3 }),
      ticketItem({ id: 'INC-000002', version: 1 }),
    ];
    const pages: (string | undefined)[] = [];
    // A change the stream never delivered: implemented on 5 March.
    const implemented = {
      id: 'CHG-000001',
      type: 'normal',
      risk: 'low',
      impactedServices: [],
      plannedEnd: '2026-03-05T00:00:00.000Z',
      implementation: { outcome: 'successful', reportedAt: '2026-03-05T01:00:00.000Z' },
      createdAt: '2026-03-02T08:00:00.000Z',
      version: 4,
    };
    changes.set(implemented.id, { item: implemented, caused: [] });
    const answeredSurvey = {
      key: 'f'.repeat(64),
      ticketId: 'INC-000001',
      status: 'answered',
      rating: 4,
      answeredAt: '2026-03-06T09:00:00.000Z',
      sentAt: '2026-03-03T11:00:00.000Z',
      attribution: { assignee: null, group: 'network', serviceId: null, priority: 3, type: 'incident' },
    };
    const [, answered] = csatEventsOfSurvey(answeredSurvey);
    expect(await aggregator.applyCsat({ ...answered!, eventId: 'bus-event-1' })).toBe('applied');
    const asked: string[] = [];
    const jobs = new ReportJobs(
      aggregator,
      store,
      {
        tickets: async (from, to, startKey) => {
          pages.push(startKey?.page as string | undefined);
          asked.push(`${from}..${to}`);
          return startKey ? { items: [tickets[1]!] } : { items: [tickets[0]!], lastKey: { page: '2' } };
        },
        changes: async () => ({ items: [implemented] }),
        // A survey answered with a 4, whose events the bus delivered once already: the answer
        // counts once; its sending, never seen, is added.
        surveys: async () => ({ items: [answeredSurvey] }),
      },
      clock,
      'UTC',
    );
    expect(await jobs.rebuild({ from: '2026-03-01', to: '2026-04-01' })).toMatchObject({
      tickets: 2,
      changes: 1,
      surveys: 1,
      applied: 4,
    });
    expect(pages).toEqual([undefined, '2']);
    expect(asked[0]).toBe('2026-03-01T00:00:00.000Z..2026-04-01T00:00:00.000Z');
    expect(await jobs.rebuild({ from: '2026-03-01', to: '2026-04-01' })).toMatchObject({
      tickets: 2,
      changes: 1,
      surveys: 1,
      applied: 0,
    });
    const [row] = (await reports.incidents(agent, incidents())).rows;
    expect(row).toMatchObject({ created: 2, resolved: 1 });
    const [changeRow] = (await reports.changes(agent, { ...MARCH, groupBy: 'none' })).rows;
    expect(changeRow).toMatchObject({ implemented: 1, successful: 1 });
    const [csatRow] = (await reports.csat(agent, MARCH)).rows;
    expect(csatRow).toMatchObject({ sent: 1, responses: 1, average: 4 });
  });
});

describe('CSAT aggregation', () => {
  const attribution = { assignee: 'ann', group: 'network', serviceId: 'mail', priority: 3, type: 'incident' };
  const event = (detailType: string, eventId: string, extra: Record<string, unknown> = {}) =>
    csatEventOf(detailType, {
      eventId,
      ticketId: 'INC-000001',
      surveySentAt: '2026-03-03T09:00:00.000Z',
      attribution,
      ...extra,
    })!;

  it('counts in the day the survey was sent, once per event, late answers included', async () => {
    const { aggregator, reports } = reportWorld();
    expect(await aggregator.applyCsat(event('Survey Sent', 'e1'))).toBe('applied');
    expect(await aggregator.applyCsat(event('Survey Sent', 'e1'))).toBe('already');
    await aggregator.applyCsat(
      csatEventOf('Survey Sent', {
        eventId: 'e2',
        ticketId: 'INC-000002',
        surveySentAt: '2026-03-03T10:00:00.000Z',
        attribution: { ...attribution, group: 'apps' },
      })!,
    );
    // Answered on the 15th: still the 3rd's figures.
    await aggregator.applyCsat(
      event('Feedback Received', 'e3', { rating: 5, low: false, answeredAt: '2026-03-15T09:00:00.000Z' }),
    );
    await aggregator.applyCsat(
      event('Feedback Received', 'e3', { rating: 5, low: false, answeredAt: '2026-03-15T09:00:00.000Z' }),
    );
    const report = await reports.csat(agent, {
      ...MARCH,
      interval: 'day',
      from: '2026-03-03',
      to: '2026-03-04',
    });
    expect(report.rows).toEqual([
      {
        key: 'all',
        period: '2026-03-03',
        sent: 2,
        responses: 1,
        responseRate: 50,
        average: 5,
        distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 },
        csatPercent: 100,
      },
    ]);
    const byGroup = await reports.csat(agent, { ...MARCH, groupBy: 'group' });
    expect(byGroup.rows.map((r) => [r.key, r.sent, r.responses])).toEqual([
      ['apps', 1, 0],
      ['network', 1, 1],
    ]);
    expect(byGroup.freshness.asOf).toBe('2026-03-15T09:00:00.000Z');
  });

  it('takes a voided survey out of the response rate', async () => {
    const { aggregator, reports } = reportWorld();
    await aggregator.applyCsat(event('Survey Sent', 'e1'));
    await aggregator.applyCsat(event('Survey Voided', 'e2'));
    expect((await reports.csat(agent, MARCH)).rows[0]).toMatchObject({
      sent: 0,
      responseRate: null,
      average: null,
    });
  });

  it('counts a fact once whatever event carries it: a republished event with a new id is a no-op', async () => {
    const { aggregator } = reportWorld();
    expect(await aggregator.applyCsat(event('Survey Sent', 'e1'))).toBe('applied');
    expect(await aggregator.applyCsat(event('Survey Sent', 'e1-republished'))).toBe('already');
  });

  it('replays a mailed survey as its sending and its end; a draft as nothing', () => {
    const survey = {
      ticketId: 'INC-000001',
      sentAt: '2026-03-03T09:00:00.000Z',
      attribution,
      status: 'expired',
      rating: null,
      answeredAt: null,
    };
    expect(csatEventsOfSurvey(survey).map((e) => [e.kind, e.eventId])).toEqual([
      ['sent', 'csat#INC-000001#2026-03-03T09:00:00.000Z#sent'],
      ['expired', 'csat#INC-000001#2026-03-03T09:00:00.000Z#expired'],
    ]);
    expect(csatEventsOfSurvey({ ...survey, status: 'pending' }).map((e) => e.kind)).toEqual(['sent']);
    expect(csatEventsOfSurvey({ ...survey, sentAt: null })).toEqual([]);
  });

  it('ignores details missing what counts', () => {
    expect(csatEventOf('Survey Sent', { eventId: 'x' })).toBeUndefined();
    expect(csatEventOf('Ticket Created', { eventId: 'x', ticketId: 't', surveySentAt: 's' })).toBeUndefined();
    expect(
      csatEventOf('Feedback Received', { eventId: 'x', ticketId: 't', surveySentAt: 's', rating: 6 }),
    ).toBeUndefined();
  });
});

describe('change aggregation', () => {
  const change = (overrides: Record<string, unknown> = {}) => ({
    id: 'CHG-000001',
    type: 'normal',
    risk: 'medium',
    impactedServices: [{ id: 'mail' }],
    plannedEnd: '2026-03-05T00:00:00.000Z',
    implementation: null,
    version: 1,
    ...overrides,
  });

  it('counts outcomes in their day and failures from linked incidents within 7 days of the planned end', () => {
    const facts = changeFacts(
      change({ implementation: { outcome: 'successful', reportedAt: '2026-03-05T01:00:00.000Z' } }),
      [
        { id: 'INC-1', priority: 2, createdAt: '2026-03-06T00:00:00.000Z' },
        { id: 'INC-2', priority: 1, createdAt: '2026-03-13T00:00:00.000Z' }, // 8 days later: not counted
        { id: 'INC-3', priority: 2, createdAt: '2026-03-04T00:00:00.000Z' }, // before the planned end
      ],
    );
    const ledger = changeLedger(facts, 'UTC');
    const all = ledger.numbers.get('AGG#CHG#all#all\u00002026-03-05')!;
    expect(Object.fromEntries(all)).toEqual({
      implemented: 1,
      successful: 1,
      causedP2: 1,
      failedOrCaused: 1,
    });
    expect(ledger.numbers.has('AGG#CHG#service#mail\u00002026-03-05')).toBe(true);
  });

  it('reads the change report: success, failure and emergency share; a later link moves the figures', async () => {
    const { aggregator, reports, changes, store } = reportWorld();
    const put = async (id: string, item: Record<string, unknown>, caused: CausedIncident[] = []) => {
      changes.set(id, { item, caused });
      return aggregator.applyChange(id, 'x');
    };
    expect(await put('CHG-000001', change())).toBe('applied'); // the marker only: no outcome yet
    await put(
      'CHG-000001',
      change({
        implementation: { outcome: 'successful', reportedAt: '2026-03-05T01:00:00.000Z' },
        version: 2,
      }),
    );
    await put(
      'CHG-000002',
      change({
        id: 'CHG-000002',
        type: 'emergency',
        implementation: { outcome: 'failed', reportedAt: '2026-03-06T01:00:00.000Z' },
      }),
    );
    await put(
      'CHG-000003',
      change({
        id: 'CHG-000003',
        implementation: { outcome: 'partially_successful', reportedAt: '2026-03-06T01:00:00.000Z' },
      }),
    );
    let [row] = (await reports.changes(agent, { ...MARCH, groupBy: 'none' })).rows;
    expect(row).toMatchObject({
      implemented: 3,
      successful: 1,
      partiallySuccessful: 1,
      failed: 1,
      successRatePercent: 33.3,
      failureRatePercent: 33.3,
      emergencySharePercent: 33.3,
    });
    // An incident linked caused_by_change two days after the planned end: the successful change now failed.
    const writes = store.transactions;
    const linked = [{ id: 'INC-000009', priority: 1, createdAt: '2026-03-07T00:00:00.000Z' }];
    expect(
      await put(
        'CHG-000001',
        change({
          implementation: { outcome: 'successful', reportedAt: '2026-03-05T01:00:00.000Z' },
          version: 2,
        }),
        linked,
      ),
    ).toBe('applied');
    expect(store.transactions).toBe(writes + 1);
    // Redelivered: nothing moves.
    expect(await aggregator.applyChange('CHG-000001', 'x')).toBe('unchanged');
    [row] = (await reports.changes(agent, { ...MARCH, groupBy: 'none' })).rows;
    expect(row).toMatchObject({ successful: 1, failureRatePercent: 66.7, causedIncidents: { p1: 1, p2: 0 } });
    const byType = await reports.changes(agent, { ...MARCH, groupBy: 'type' });
    expect(byType.rows.map((r) => [r.key, r.implemented])).toEqual([
      ['emergency', 1],
      ['normal', 2],
    ]);
  });
});

describe('availability', () => {
  it('merges outage intervals of incidents naming the service and measures them against the target', async () => {
    const { aggregator, reports } = reportWorld();
    const outage = { serviceImpact: 'outage', serviceId: 'mail' };
    await aggregator.applyTicket(
      'INC-000001',
      1,
      ticketItem({
        ...outage,
        createdAt: '2026-03-02T10:00:00.000Z',
        status: 'resolved',
        resolvedAt: '2026-03-02T11:00:00.000Z',
      }),
      'x',
    );
    // Overlaps the first by 30 minutes; named through affectedServices; alert times win.
    await aggregator.applyTicket(
      'INC-000002',
      1,
      ticketItem({
        id: 'INC-000002',
        serviceImpact: 'outage',
        affectedServices: [{ id: 'mail', name: 'Mail' }],
        createdAt: '2026-03-02T10:40:00.000Z',
        alert: { firstFiredAt: '2026-03-02T10:30:00.000Z', clearedAt: '2026-03-02T11:30:00.000Z' },
      }),
      'x',
    );
    // Not an outage: not counted.
    await aggregator.applyTicket(
      'INC-000003',
      1,
      ticketItem({ id: 'INC-000003', serviceId: 'mail', createdAt: '2026-03-03T10:00:00.000Z' }),
      'x',
    );
    const report = await reports.availability(agent, {
      serviceId: 'mail',
      from: '2026-03-02',
      to: '2026-03-03',
    });
    expect(report).toMatchObject({
      serviceMinutes: 1440,
      outageMinutes: 90,
      availabilityPercent: 93.75,
      target: 99.5,
      targetMet: false,
    });
    expect(report.outages.map((o) => o.incidentId)).toEqual(['INC-000001', 'INC-000002']);
    await expect(
      reports.availability(agent, { serviceId: 'nope', from: '2026-03-02', to: '2026-03-03' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('ends an open outage at the window’s end or now, and drops it when the impact is cleared', async () => {
    const { aggregator, reports } = reportWorld();
    await aggregator.applyTicket(
      'INC-000001',
      1,
      ticketItem({
        serviceImpact: 'outage',
        serviceId: 'mail',
        createdAt: '2026-03-20T11:00:00.000Z',
        status: 'in_progress',
      }),
      'x',
    );
    const open = await reports.availability(agent, {
      serviceId: 'mail',
      from: '2026-03-20',
      to: '2026-03-21',
    });
    expect(open).toMatchObject({ serviceMinutes: 720, outageMinutes: 60, outages: [{ end: null }] });
    await aggregator.applyTicket(
      'INC-000001',
      2,
      ticketItem({
        serviceImpact: null,
        serviceId: 'mail',
        createdAt: '2026-03-20T11:00:00.000Z',
        status: 'in_progress',
      }),
      'x',
    );
    expect(
      (await reports.availability(agent, { serviceId: 'mail', from: '2026-03-20', to: '2026-03-21' }))
        .outages,
    ).toEqual([]);
  });
});
