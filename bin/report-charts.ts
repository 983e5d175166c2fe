/**
 * Renders the charts of docs/reports.md from a local run: `npx tsx bin/report-charts.ts` (needs
 * Java for DynamoDB Local, like `npm start`). It starts the local runtime in memory, plays six weeks
 * of a small service desk through the local API (tickets created, assigned, resolved, some reopened,
 * outages of two services, survey answers; the clock moved with POST /_local/clock and the nightly
 * snapshot taken by POST /_local/sweep), applies twenty change outcomes through the report
 * aggregator's use case (the change workflow's waits would make the run long), reads every report
 * over HTTP, and writes one SVG per report to docs/reports/ with Vega-Lite (compiled to Vega,
 * rendered headless: no browser, no canvas). Seeded: the same run draws the same charts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { seededRandom } from '../bench/support/seeded-random.js';
import { ReportsAggregator } from '../functions/reports/aggregator.js';
import { reportsStore } from '../functions/reports/store/wiring.js';
import { startLocalRuntime } from './local/runtime.js';

const OUT = 'docs/reports';
const START = Date.parse('2026-10-05T00:00:00.000Z'); // a Monday
const WEEKS = 6;
const END = START + WEEKS * 7 * 86_400_000;
const HOUR = 3_600_000;

type Action = { at: number; run: () => Promise<void> };
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

async function main() {
  const rt = await startLocalRuntime({ port: 0, quiet: true, slaSweepMs: 0, streamPollMs: 50 });
  try {
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${rt.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const admin = rt.adminToken;
    const agents = ['ann', 'bob', 'cho', 'dev'].map((id) => ({
      id,
      token: rt.tokenFor(id, ['agent'], { name: id }),
    }));
    const setClock = (t: number) => call(admin, 'POST', '/_local/clock', { now: new Date(t).toISOString() });
    await setClock(START - 86_400_000);
    for (const group of ['network', 'apps'])
      await call(admin, 'PUT', `/groups/${group}`, { name: group, members: ['ann', 'bob', 'cho', 'dev'] });
    await call(admin, 'PUT', '/services/mail', {
      class: 'business_service',
      name: 'Mail',
      owner: 'olga',
      supportGroup: 'apps',
      portfolioStatus: 'live',
      availabilityTarget: 99.5,
    });
    await call(admin, 'PUT', '/services/vpn', {
      class: 'business_service',
      name: 'VPN',
      owner: 'olga',
      supportGroup: 'network',
      portfolioStatus: 'live',
      availabilityTarget: 99.0,
    });

    const random = seededRandom(20);
    const actions: Action[] = [];
    const groups = ['network', 'apps', 'service-desk'];
    for (let d = 0; d < WEEKS * 7; d++) {
      const weekday = d % 7 < 5;
      const count = weekday ? 4 + Math.floor(random() * 5) : 1 + Math.floor(random() * 2);
      for (let n = 0; n < count; n++) {
        const created = START + d * 86_400_000 + (8 + random() * 9) * HOUR;
        const requester = `user${Math.floor(random() * 30)}`;
        const token = rt.tokenFor(requester, ['requester'], {
          email: `${requester}@example.com`,
          name: requester,
        });
        const agent = agents[Math.floor(random() * agents.length)]!;
        const group = groups[Math.floor(random() * groups.length)]!;
        const type = random() < 0.75 ? 'incident' : 'service_request';
        const outageOf = type === 'incident' && random() < 0.06 ? (random() < 0.5 ? 'mail' : 'vpn') : null;
        const ackAfter = (0.1 + random() * (outageOf ? 0.3 : 4)) * HOUR;
        const resolveAfter = outageOf ? (0.5 + random() * 3) * HOUR : (1 + random() * random() * 120) * HOUR;
        const reopen = random() < 0.08;
        const rating = 1 + Math.min(4, Math.floor(random() ** 0.45 * 5));
        const answers = random() < 0.55;
        let id = '';
        actions.push({
          at: created,
          run: async () => {
            const ticket = await call(token, 'POST', '/tickets', {
              type,
              title: outageOf ? `${outageOf} is down` : `Request ${n} on day ${d}`,
              impact: outageOf ? 1 : 1 + Math.floor(random() * 3),
              urgency: outageOf ? 1 : 1 + Math.floor(random() * 3),
              ...(outageOf ? { serviceId: outageOf } : {}),
            });
            id = ticket.id;
          },
        });
        actions.push({
          at: created + ackAfter,
          run: async () => {
            await call(agent.token, 'PATCH', `/tickets/${id}`, {
              status: 'in_progress',
              assignee: agent.id,
              group,
              ...(outageOf ? { serviceImpact: 'outage' } : {}),
            });
          },
        });
        const resolvedAt = created + ackAfter + resolveAfter;
        if (resolvedAt >= END) continue;
        const resolve = { status: 'resolved', resolution: { code: 'fixed', notes: 'done' } };
        // Each resolution's and reopen's events reach the CSAT consumer (which issues or voids the
        // survey) before the clock moves on.
        const patchNow = (who: string, body: unknown) => async () => {
          await call(who, 'PATCH', `/tickets/${id}`, body);
          await rt.flushEvents(10_000);
        };
        actions.push({ at: resolvedAt, run: patchNow(agent.token, resolve) });
        if (reopen && resolvedAt + 20 * HOUR < END) {
          actions.push({ at: resolvedAt + 2 * HOUR, run: patchNow(token, { status: 'in_progress' }) });
          actions.push({ at: resolvedAt + 20 * HOUR, run: patchNow(agent.token, resolve) });
        }
        const answerAt = resolvedAt + (reopen ? 30 : 6) * HOUR;
        if (answers && answerAt < END)
          actions.push({
            at: answerAt,
            run: async () => {
              const res = await fetch(`${rt.url}/tickets/${id}/feedback`, {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: JSON.stringify({ rating, ...(rating <= 2 ? { comment: 'slow' } : {}) }),
              });
              // A survey voided by a reopen (410) or not issued (409) takes no answer: fine; say so.
              if (res.status !== 201)
                process.stderr.write(`  feedback ${id}: ${res.status} ${await res.text()}\n`);
              else await res.arrayBuffer();
            },
          });
      }
      // The nightly snapshot of the backlog, at 00:06 on the next day.
      actions.push({
        at: START + (d + 1) * 86_400_000 + 6 * 60_000,
        run: async () => void (await call(admin, 'POST', '/_local/sweep')),
      });
    }
    actions.sort((a, b) => a.at - b.at);
    for (const [i, action] of actions.entries()) {
      await setClock(action.at);
      await action.run();
      if (i % 100 === 0) process.stderr.write(`  ${i}/${actions.length} actions\n`);
    }
    await setClock(END + 12 * HOUR);
    await rt.flushEvents(10_000);

    // Change outcomes through the aggregator's use case (the change workflow's waits would take long).
    const changes = new Map<
      string,
      { item: Record<string, unknown>; caused: { id: string; priority: number; createdAt: string }[] }
    >();
    const changeAggregator = new ReportsAggregator(
      reportsStore(rt.deps),
      'UTC',
      async (id) => changes.get(id) ?? { item: undefined, caused: [] },
    );
    for (let c = 0; c < 24; c++) {
      const type = c % 6 === 0 ? 'emergency' : c % 3 === 0 ? 'standard' : 'normal';
      const outcome = random() < 0.75 ? 'successful' : random() < 0.5 ? 'partially_successful' : 'failed';
      const plannedEnd = START + (1 + c * 1.6) * 86_400_000;
      const id = `CHG-${String(c + 1).padStart(6, '0')}`;
      changes.set(id, {
        item: {
          id,
          type,
          risk: ['low', 'medium', 'high'][c % 3],
          impactedServices: [{ id: c % 2 ? 'mail' : 'vpn' }],
          plannedEnd: new Date(plannedEnd).toISOString(),
          implementation: { outcome, reportedAt: new Date(plannedEnd + HOUR).toISOString() },
        },
        caused:
          random() < 0.2
            ? [{ id: `INC-9${c}`, priority: 2, createdAt: new Date(plannedEnd + 26 * HOUR).toISOString() }]
            : [],
      });
      await changeAggregator.applyChange(id, new Date(plannedEnd + HOUR).toISOString());
    }

    const get = (path: string) => call(agents[0]!.token, 'GET', path);
    const range = `from=${day(START)}&to=${day(END)}`;
    const incidents = await get(`/reports/incidents?${range}&interval=week`);
    const requests = await get(`/reports/incidents?${range}&interval=week&type=service_request`);
    const byGroup = await get(`/reports/incidents?${range}&groupBy=group`);
    const changesReport = await get(`/reports/changes?${range}&groupBy=type`);
    const csat = await get(`/reports/csat?${range}&interval=week`);
    const csatAll = await get(`/reports/csat?${range}`);
    const backlogDays: { day: string; bucket: string; open: number }[] = [];
    for (let d = 14; d < WEEKS * 7; d++) {
      const at = day(START + d * 86_400_000);
      const backlog = await get(`/reports/backlog?at=${at}`);
      for (const row of backlog.rows)
        for (const [bucket, open] of Object.entries(row.buckets))
          backlogDays.push({ day: at, bucket, open: open as number });
    }
    const availability: { week: string; service: string; percent: number; target: number }[] = [];
    for (let w = 0; w < WEEKS; w++) {
      for (const service of ['mail', 'vpn']) {
        const from = day(START + w * 7 * 86_400_000);
        const to = day(START + (w + 1) * 7 * 86_400_000);
        const report = await get(`/reports/availability?serviceId=${service}&from=${from}&to=${to}`);
        availability.push({
          week: from,
          service,
          percent: report.availabilityPercent,
          target: report.target,
        });
      }
    }

    const charts: Record<string, TopLevelSpec> = {
      incidents: {
        title: 'Incidents and requests per ISO week: created, resolved, MTTR p50',
        hconcat: [
          {
            width: 360,
            height: 220,
            data: {
              values: [
                ...incidents.rows.flatMap((r: Row) => [
                  { week: r.period, type: 'incidents', measure: 'created', n: r.created },
                  { week: r.period, type: 'incidents', measure: 'resolved', n: r.resolved },
                ]),
                ...requests.rows.flatMap((r: Row) => [
                  { week: r.period, type: 'requests', measure: 'created', n: r.created },
                  { week: r.period, type: 'requests', measure: 'resolved', n: r.resolved },
                ]),
              ],
            },
            mark: 'bar',
            encoding: {
              x: { field: 'week', type: 'ordinal', title: 'week of' },
              xOffset: { field: 'measure' },
              y: { field: 'n', type: 'quantitative', title: 'tickets', stack: 'zero' },
              color: { field: 'measure', type: 'nominal' },
              opacity: { field: 'type', type: 'nominal', scale: { range: [1, 0.45] } },
            },
          },
          {
            width: 300,
            height: 220,
            data: {
              values: incidents.rows.flatMap((r: Row) => [
                {
                  week: r.period,
                  figure: 'MTTR p50 (h)',
                  value: r.mttr.p50Minutes === null ? null : r.mttr.p50Minutes / 60,
                },
                {
                  week: r.period,
                  figure: 'MTTA mean (h)',
                  value: r.mtta.meanMinutes === null ? null : r.mtta.meanMinutes / 60,
                },
              ]),
            },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'week', type: 'ordinal', title: 'week of' },
              y: { field: 'value', type: 'quantitative', title: 'hours (incidents)' },
              color: { field: 'figure', type: 'nominal' },
            },
          },
        ],
      },
      'incidents-by-group': {
        title: 'Incidents by assignment group: FCR % and reopen %',
        width: 420,
        height: 200,
        data: {
          values: byGroup.rows.flatMap((r: Row) => [
            { group: r.key, figure: 'FCR %', value: r.fcr.percent },
            { group: r.key, figure: 'reopen %', value: r.reopen.percent },
            { group: r.key, figure: 'SLA compliance %', value: r.sla.compliancePercent },
          ]),
        },
        mark: 'bar',
        encoding: {
          y: { field: 'group', type: 'nominal' },
          yOffset: { field: 'figure' },
          x: { field: 'value', type: 'quantitative', title: 'percent', scale: { domain: [0, 100] } },
          color: { field: 'figure', type: 'nominal' },
        },
      },
      changes: {
        title: 'Changes by type: success and failure rate, share of implemented',
        width: 420,
        height: 200,
        data: {
          values: changesReport.rows.flatMap((r: ChangeRow) => [
            { type: `${r.key} (${r.implemented})`, figure: 'success %', value: r.successRatePercent },
            { type: `${r.key} (${r.implemented})`, figure: 'failure %', value: r.failureRatePercent },
          ]),
        },
        mark: 'bar',
        encoding: {
          x: { field: 'type', type: 'nominal', title: 'change type (implemented)' },
          xOffset: { field: 'figure' },
          y: { field: 'value', type: 'quantitative', title: 'percent', scale: { domain: [0, 100] } },
          color: { field: 'figure', type: 'nominal', scale: { range: ['#4c9a2a', '#c23b22'] } },
        },
      },
      backlog: {
        title: 'Open incidents at the end of each day, by age (nightly snapshots)',
        width: 560,
        height: 220,
        data: { values: backlogDays },
        mark: 'bar',
        encoding: {
          x: { field: 'day', type: 'ordinal', title: 'day', axis: { labelAngle: -60 } },
          y: { field: 'open', type: 'quantitative', title: 'open incidents' },
          color: {
            field: 'bucket',
            type: 'ordinal',
            title: 'age (days)',
            sort: ['0-1', '2-5', '6-30', '31-90', '>90'],
          },
          order: { field: 'bucket' },
        },
      },
      availability: {
        title: 'Service availability per ISO week against target (service-hours calendar)',
        width: 420,
        height: 220,
        data: { values: availability },
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'week', type: 'ordinal', title: 'week of' },
              y: { field: 'percent', type: 'quantitative', title: 'availability %', scale: { zero: false } },
              color: { field: 'service', type: 'nominal' },
            },
          },
          {
            mark: { type: 'rule', strokeDash: [4, 4] },
            encoding: {
              y: { field: 'target', type: 'quantitative' },
              color: { field: 'service', type: 'nominal' },
            },
          },
        ],
      },
      csat: {
        title: `Customer satisfaction: ${csatAll.rows[0].responses} answers of ${csatAll.rows[0].sent} surveys, CSAT ${csatAll.rows[0].csatPercent} %`,
        hconcat: [
          {
            width: 240,
            height: 200,
            data: {
              values: Object.entries(csatAll.rows[0].distribution).map(([rating, n]) => ({ rating, n })),
            },
            mark: 'bar',
            encoding: {
              x: { field: 'rating', type: 'ordinal' },
              y: { field: 'n', type: 'quantitative', title: 'answers' },
              color: { field: 'rating', type: 'ordinal', scale: { scheme: 'redyellowgreen' }, legend: null },
            },
          },
          {
            width: 300,
            height: 200,
            data: {
              values: csat.rows.flatMap((r: CsatRow) => [
                { week: r.period, figure: 'CSAT %', value: r.csatPercent },
                { week: r.period, figure: 'response rate %', value: r.responseRate },
              ]),
            },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'week', type: 'ordinal', title: 'survey sent in week of' },
              y: { field: 'value', type: 'quantitative', title: 'percent', scale: { domain: [0, 100] } },
              color: { field: 'figure', type: 'nominal' },
            },
          },
        ],
      },
    };
    await mkdir(OUT, { recursive: true });
    for (const [name, spec] of Object.entries(charts)) {
      const view = new vega.View(
        vega.parse(compile({ ...spec, config: { font: 'sans-serif' } } as TopLevelSpec).spec),
        { renderer: 'none' },
      );
      await writeFile(join(OUT, `${name}.svg`), `${await view.toSVG()}\n`);
      view.finalize();
      process.stderr.write(`  wrote ${OUT}/${name}.svg\n`);
    }
  } finally {
    await rt.stop();
  }
}

interface Row {
  key: string;
  period: string;
  created: number;
  resolved: number;
  mtta: { meanMinutes: number | null };
  mttr: { p50Minutes: number | null };
  fcr: { percent: number | null };
  reopen: { percent: number | null };
  sla: { compliancePercent: number | null };
}
interface ChangeRow {
  key: string;
  implemented: number;
  successRatePercent: number | null;
  failureRatePercent: number | null;
}
interface CsatRow {
  period: string;
  csatPercent: number | null;
  responseRate: number | null;
}

await main();
