import { pathToFileURL } from 'node:url';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../bin/local/table.js';
import { ReportsAggregator } from '../functions/reports/aggregator.js';
import { ticketLedger } from '../functions/reports/contributions.js';
import { keyOfId } from '../functions/reports/ledger.js';
import type { GroupBy, Interval } from '../functions/reports/period.js';
import { ReportService } from '../functions/reports/report-service.js';
import { collapseBucketAttributes } from '../functions/reports/store/bucket-lists.js';
import { DynamoReportsStore } from '../functions/reports/store/dynamodb-reports-store.js';
import { ticketFacts } from '../functions/reports/ticket-facts.js';
import type { Caller } from '../functions/shared/authz.js';
import { TestClock } from '../functions/shared/clock/test-clock.js';
import { progress } from './progress.js';
import { countDynamoCalls, measureCalls } from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';
import { seededRandom } from './support/seeded-random.js';

const DESKS = (process.env.BENCH_REPORT_TICKETS ?? '2000,20000,200000').split(',').map(Number);
const UPKEEP_CHANGES = 200;
const RUNS = 5;
const REPORT = { from: '2026-08-03', to: '2026-11-01' }; // 90 days
const GROUPS = [
  'network',
  'service-desk',
  'database',
  'workplace',
  'security',
  'apps',
  'identity',
  'storage',
];
const AGENT: Caller = { id: 'bench', email: null, name: null, roles: new Set(['agent']) };

const END = Date.parse(`${REPORT.to}T00:00:00.000Z`);
const MINUTE = 60_000;

function deskTicket(i: number, random: () => number): Record<string, unknown> {
  const created = END - Math.floor(random() * 120 * 24 * 60) * MINUTE;
  const resolved = random() < 0.85 ? created + Math.floor(5 + random() * 3 * 24 * 60) * MINUTE : null;
  const iso = (t: number) => new Date(t).toISOString();
  const acknowledged = created + Math.floor(1 + random() * 120) * MINUTE;
  return {
    id: `INC-${String(i + 1).padStart(6, '0')}`,
    type: 'incident',
    status: resolved !== null && resolved < END ? 'resolved' : 'in_progress',
    priority: 1 + Math.floor(random() * 5),
    group: GROUPS[Math.floor(random() * GROUPS.length)],
    assignee: `agent-${Math.floor(random() * 40)}`,
    serviceId: `svc-${Math.floor(random() * 20)}`,
    source: random() < 0.1 ? 'alert' : 'api',
    createdAt: iso(created),
    updatedAt: iso(resolved ?? acknowledged),
    resolvedAt: resolved !== null && resolved < END ? iso(resolved) : null,
    sla: {
      firstResponse: { metAt: iso(acknowledged), breachedAt: random() < 0.1 ? iso(acknowledged) : null },
    },
    metrics: {
      acknowledgedAt: iso(acknowledged),
      firstResolvedAt: resolved !== null && resolved < END ? iso(resolved) : null,
      reopenCount: random() < 0.05 ? 1 : 0,
      fcr: random() < 0.6,
    },
    version: 3,
  };
}

/** The day items the aggregator would hold after applying every ticket: ledgers summed, then written as the adapter writes them. */
async function seedDesk(dynamo: DynamoDBDocumentClient, tableName: string, tickets: number): Promise<number> {
  const random = seededRandom(tickets);
  const items = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < tickets; i++) {
    const ledger = ticketLedger(ticketFacts(deskTicket(i, random)), 'UTC');
    for (const [id, attributes] of ledger.numbers) {
      const item = items.get(id) ?? { ...keyOfId(id) };
      for (const [name, by] of attributes) item[name] = Number(item[name] ?? 0) + by;
      items.set(id, item);
    }
    for (const [id, attributes] of ledger.sets) {
      const item = items.get(id) ?? { ...keyOfId(id) };
      for (const [name, values] of attributes)
        item[name] = new Set([...((item[name] as Set<string>) ?? []), ...values]);
      items.set(id, item);
    }
  }
  // As the DynamoDB adapter stores them: each figure's buckets in one fixed-length list.
  const all = [...items.values()].map(collapseBucketAttributes);
  for (let start = 0; start < all.length; start += 25) {
    let pending = all.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
  return all.length;
}

export interface ReportReadRow {
  tickets: number;
  days: number;
  groupBy: string;
  interval: string;
  rows: number;
  calls: number;
  partitions: number;
  maxPagesPerValue: number;
  itemsRead: number;
  /** JSON size of the items read (what the reads transfer). */
  kbRead: number;
  medianMs: number;
}

export interface ReportBenchResult {
  dayItems: Record<number, number>;
  reads: ReportReadRow[];
  upkeep: {
    changes: number;
    transactions: number;
    reads: number;
    freshnessUpdates: number;
    redelivered: number;
    redeliveryTransactions: number;
    maxActions: number;
  };
}

const YEAR = { from: '2025-11-01', to: '2026-11-01' };
const QUERIES: { groupBy: GroupBy; interval: Interval; range?: { from: string; to: string } }[] = [
  { groupBy: 'none', interval: 'none' },
  { groupBy: 'none', interval: 'day' },
  { groupBy: 'group', interval: 'week' },
  { groupBy: 'assignee', interval: 'none' },
  // A year: whole months from month items, edge days from day items (here none: it starts on the 1st).
  { groupBy: 'group', interval: 'month', range: YEAR },
];

const withoutRange = ({ range: _range, ...grouping }: (typeof QUERIES)[number]) => grouping;

export async function benchReports(): Promise<ReportBenchResult> {
  return withBenchTable('reports', async ({ client, dynamo, tableName }) => {
    const counter = countDynamoCalls(dynamo);
    const result: ReportBenchResult = { dayItems: {}, reads: [], upkeep: undefined as never };
    const clock = new TestClock();
    clock.set(new Date(END + 12 * 60 * MINUTE));
    const tables = new Map<number, string>();
    for (const tickets of DESKS) {
      const name = `${tableName}-${tickets}`;
      await ensureTable(client, name);
      progress(`reports: writing the day items of ${tickets} tickets`);
      result.dayItems[tickets] = await seedDesk(dynamo, name, tickets);
      tables.set(tickets, name);
    }
    for (const tickets of DESKS) {
      const store = new DynamoReportsStore(dynamo, tables.get(tickets)!);
      const reports = new ReportService({
        store,
        clock,
        timezone: 'UTC',
        serviceHours: async () => undefined,
        startRebuild: async () => undefined,
      });
      for (const query of QUERIES) {
        progress(
          `reports: ${query.range ? 'a year' : '90 days'} over ${tickets} tickets, groupBy ${query.groupBy}, interval ${query.interval}`,
        );
        const times: number[] = [];
        let last:
          | Awaited<ReturnType<typeof measureCalls<Awaited<ReturnType<ReportService['incidents']>>>>>
          | undefined;
        // One unmeasured run first: the first query of a desk would otherwise time the JIT's warm-up.
        await reports.incidents(AGENT, {
          ...(query.range ?? REPORT),
          ...withoutRange(query),
          type: 'incident',
        });
        for (let run = 0; run < RUNS; run++) {
          const { range, ...grouping } = query;
          last = await measureCalls(counter, () =>
            reports.incidents(AGENT, { ...(range ?? REPORT), ...grouping, type: 'incident' }),
          );
          times.push(last.ms);
        }
        times.sort((a, b) => a - b);
        result.reads.push({
          tickets,
          days: query.range ? 365 : 90,
          groupBy: query.groupBy,
          interval: query.interval,
          rows: last!.value.rows.length,
          calls: last!.log.length,
          partitions: reports.lastRead.partitions,
          maxPagesPerValue: reports.lastRead.maxPagesPerPartition,
          itemsRead: last!.log.reduce((n, call) => n + call.read, 0),
          kbRead: Math.round(last!.log.reduce((n, call) => n + call.bytes, 0) / 102.4) / 10,
          medianMs: Math.round(times[Math.floor(RUNS / 2)]! * 10) / 10,
        });
      }
    }
    // Upkeep: real changes through the aggregator on the largest desk.
    const largest = Math.max(...DESKS);
    const store = new DynamoReportsStore(dynamo, tables.get(largest)!);
    const aggregator = new ReportsAggregator(store, 'UTC');
    const random = seededRandom(7);
    const changes: [string, number, Record<string, unknown>][] = [];
    for (let i = 0; changes.length < UPKEEP_CHANGES; i++) {
      const base: Record<string, unknown> = {
        ...deskTicket(i, random),
        id: `INC-9${String(i).padStart(5, '0')}`,
        metrics: undefined,
      };
      const created = String(base.createdAt);
      const states: Record<string, unknown>[] = [
        { ...base, status: 'new', assignee: null, resolvedAt: null, sla: null, updatedAt: created },
        { ...base, status: 'in_progress', resolvedAt: null, sla: null },
        { ...base, status: 'resolved', resolvedAt: new Date(Date.parse(created) + 3_600_000).toISOString() },
        { ...base, status: 'in_progress', resolvedAt: null },
        { ...base, status: 'resolved', resolvedAt: new Date(Date.parse(created) + 7_200_000).toISOString() },
      ];
      for (const [v, state] of states.entries())
        changes.push([String(base.id), v + 1, { ...state, version: v + 1 }]);
    }
    progress(`reports: ${changes.length} ticket changes through the aggregator, then redelivered`);
    const applied = await measureCalls(counter, async () => {
      for (const [id, version, item] of changes.slice(0, UPKEEP_CHANGES))
        await aggregator.applyTicket(id, version, item, String(item.updatedAt));
    });
    const redelivered = await measureCalls(counter, async () => {
      for (const [id, version, item] of changes.slice(0, UPKEEP_CHANGES))
        await aggregator.applyTicket(id, version, item, String(item.updatedAt));
    });
    const count = (log: typeof applied.log, command: string) =>
      log.filter((c) => c.command === command).length;
    result.upkeep = {
      changes: UPKEEP_CHANGES,
      transactions: count(applied.log, 'TransactWrite'),
      reads: count(applied.log, 'Get'),
      freshnessUpdates: count(applied.log, 'Update'),
      redelivered: UPKEEP_CHANGES,
      redeliveryTransactions: count(redelivered.log, 'TransactWrite'),
      maxActions: Math.max(...applied.log.filter((c) => c.command === 'TransactWrite').map((c) => c.written)),
    };
    return result;
  });
}

export function printReports(result: ReportBenchResult): void {
  console.log('\n## Reports (90-day and one-year incident reports, DynamoDB Local)\n');
  console.log(
    `Day items written per desk: ${Object.entries(result.dayItems)
      .map(([t, n]) => `${t} tickets → ${n} items`)
      .join('; ')}.\n`,
  );
  console.log(
    '| tickets | days | groupBy | interval | rows | DynamoDB calls | value partitions | max pages per value | items read | KB read | median ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of result.reads) {
    console.log(
      `| ${r.tickets} | ${r.days} | ${r.groupBy} | ${r.interval} | ${r.rows} | ${r.calls} | ${r.partitions} | ${r.maxPagesPerValue} | ${r.itemsRead} | ${r.kbRead} | ${r.medianMs} |`,
    );
  }
  const u = result.upkeep;
  console.log(
    '\n| upkeep | changes | transactions | marker reads | freshness updates | most actions in one transaction |',
  );
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| applied | ${u.changes} | ${u.transactions} | ${u.reads} | ${u.freshnessUpdates} | ${u.maxActions} |`,
  );
  console.log(`| redelivered | ${u.redelivered} | ${u.redeliveryTransactions} | — | — | — |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchReports();
  printReports(result);
  await writeBenchResult('reports', result);
}
