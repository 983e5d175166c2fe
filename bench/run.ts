/**
 * `npm run bench`: requests per second and latency through the local runtime (loopback only,
 * bounded in count), SLA sweep cost against table size, DynamoDB round trips and capacity per
 * operation, mail throughput over SMTP, and per-function bundle size and init time. Prints tables
 * (the report, on stdout) and writes bench/results/*.json; progress and any warning go to stderr,
 * so `npm run -s bench > report.md` keeps only the tables. A benchmark, not a test: nothing here
 * asserts.
 */
import { writeFile } from 'node:fs/promises';
import { startLocalRuntime } from '../bin/local/runtime.js';
import { benchAlerts, printAlerts } from './alerts.js';
import { benchBundles, printBundles } from './bundles.js';
import { benchCatalog, printCatalog } from './catalog.js';
import { benchCmdb, printCmdb } from './cmdb.js';
import { benchCsat, printCsat } from './csat.js';
import { benchDrPosture, printDrPosture } from './dr-posture.js';
import { benchEmail, printEmail } from './email.js';
import { benchProblems, printProblems } from './problems.js';
import { progress } from './progress.js';
import { benchQueues, printQueues } from './queues.js';
import { benchReports, printReports } from './reports.js';
import { benchRoundTrips, printRoundTrips } from './round-trips.js';
import { benchSearch, printSearch } from './search.js';
import { benchSlaSweep, printSlaSweep } from './sla-sweep.js';
import { writeBenchResult } from './support/results.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = [1, 8, 32];
/** Comma-separated sections to skip: bundles, roundtrips, cmdb, problems, csat, queues, alerts, search, catalog, drposture, reports, email (e.g. BENCH_SKIP=bundles for a quick run). */
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));

interface Result {
  operation: string;
  concurrency: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(
  operation: string,
  concurrency: number,
  send: (i: number) => Promise<Response>,
): Promise<Result> {
  progress(`throughput: ${REQUESTS} × ${operation} at concurrency ${concurrency}`);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const t0 = performance.now();
      const res = await send(i);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status >= 400) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return {
    operation,
    concurrency,
    requests: REQUESTS,
    perSecond: Math.round(REQUESTS / seconds),
    p50: at(0.5),
    p99: at(0.99),
    errors,
  };
}

// The handlers' own JSON log lines (Powertools, INFO on AWS) would interleave with the tables, and
// the bench's bare setups (groups without addresses) make them warn on every sweep: errors only,
// which Powertools writes to stderr (POWERTOOLS_LOG_LEVEL=INFO shows them all). The runtime is quiet.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

progress('starting the local runtime (DynamoDB Local, handlers)');
const runtime = await startLocalRuntime({ port: 0, quiet: true });
try {
  const auth = {
    authorization: `Bearer ${runtime.tokenFor('bench', ['agent'])}`,
    'content-type': 'application/json',
  };
  const first = (await (
    await fetch(`${runtime.url}/tickets`, {
      method: 'POST',
      headers: auth,
      body: '{"type":"incident","title":"seed"}',
    })
  ).json()) as { id: string };
  const results: Result[] = [];
  for (const concurrency of CONCURRENCY) {
    results.push(
      await load('POST /tickets', concurrency, (i) =>
        fetch(`${runtime.url}/tickets`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ type: 'incident', title: `bench ${i}`, impact: 2, urgency: 2 }),
        }),
      ),
    );
    results.push(
      await load('GET /tickets/{id}', concurrency, () =>
        fetch(`${runtime.url}/tickets/${first.id}`, { headers: auth }),
      ),
    );
    results.push(
      await load('GET /tickets?limit=25', concurrency, () =>
        fetch(`${runtime.url}/tickets?limit=25`, { headers: auth }),
      ),
    );
  }
  console.log(
    '\nLocal API throughput (DynamoDB Local, loopback, one run on this machine; p50/p99 per request)\n',
  );
  console.log('| operation | concurrency | req/s | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.operation} | ${r.concurrency} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.errors} |`);
  }
  progress('SLA sweep cost against table size');
  const sweeps = await benchSlaSweep();
  printSlaSweep(sweeps);
  await writeBenchResult('latest', { results, sweeps });
} finally {
  await runtime.stop();
}

// Issue 8 §1, §2, §4: each starts (and stops) what it needs, after the throughput runtime is gone.
const extra: Record<string, unknown> = {};
if (!SKIP.has('roundtrips')) {
  progress('DynamoDB round trips and capacity per operation');
  extra.roundTrips = await benchRoundTrips();
  printRoundTrips(extra.roundTrips as Awaited<ReturnType<typeof benchRoundTrips>>);
}
if (!SKIP.has('cmdb')) {
  // Its own DynamoDB Local and table: a 2,000-CI graph, impact walks, relationship writes, closures.
  progress('CMDB: impact walks, relationship writes and closure maintenance on a 2,000-CI graph');
  const cmdb = await benchCmdb();
  printCmdb(cmdb);
  await writeBenchResult('cmdb', cmdb);
}
if (!SKIP.has('problems')) {
  // Its own DynamoDB Local and table: ticket create with and without matching known errors.
  progress('known errors: suggestion cost on ticket create, apply');
  const problems = await benchProblems();
  printProblems(problems);
  await writeBenchResult('problems', problems);
}
if (!SKIP.has('csat')) {
  // Its own DynamoDB Local and table: a survey answer is one conditional transaction.
  progress('csat: survey issue, link, answers (one transaction each), concurrency, expiry');
  const csat = await benchCsat();
  printCsat(csat);
  await writeBenchResult('csat', csat);
}
if (!SKIP.has('queues')) {
  // Its own DynamoDB Local and table: a generated desk, a page of every sort, counts, index write cost.
  progress('agent queues: a page of every sort, live counts, index write cost');
  const queues = await benchQueues();
  printQueues(queues);
  await writeBenchResult('queues', queues);
}
if (!SKIP.has('alerts')) {
  // Its own local runtime: an alert storm through the intake (issue 17; BENCH_ALERT_DELIVERIES to size it).
  progress('alert storm through the local intake');
  extra.alerts = await benchAlerts();
  printAlerts(extra.alerts as Awaited<ReturnType<typeof benchAlerts>>);
}
if (!SKIP.has('search')) {
  // Its own DynamoDB Local and table: the search index at 10k and 100k tickets, query and write costs.
  progress('full-text search: query cost at 10,000 and 100,000 indexed tickets, index write cost');
  const search = await benchSearch();
  printSearch(search);
  await writeBenchResult('search', search);
}
if (!SKIP.has('catalog')) {
  // Its own DynamoDB Local and table: catalog request round trips; 50-field form validation (issue 16).
  progress('service catalog: request round trips and form validation');
  const catalog = await benchCatalog();
  printCatalog(catalog);
  await writeBenchResult('catalog', catalog);
}
if (!SKIP.has('drposture')) {
  // Its own DynamoDB Local and table: the DR posture report at 200 and 2,000 rows, its upkeep per
  // CMDB event, caused_by_change links (docs/performance.md).
  progress('disaster-recovery posture and caused_by_change links');
  const drPosture = await benchDrPosture();
  printDrPosture(drPosture);
  await writeBenchResult('dr-posture', drPosture);
}
if (!SKIP.has('reports')) {
  // Its own DynamoDB Local: a 90-day incident report over 2,000 and 20,000 tickets, and the
  // aggregator's transactions per ticket change (docs/performance.md#reports).
  progress('reports: 90-day report over 2,000 and 20,000 tickets; aggregate upkeep');
  const reports = await benchReports();
  printReports(reports);
  await writeBenchResult('reports', reports);
}
if (!SKIP.has('email')) {
  progress('mail over SMTP');
  extra.email = await benchEmail();
  printEmail(extra.email as Awaited<ReturnType<typeof benchEmail>>);
}
if (!SKIP.has('bundles')) {
  progress('bundling each function and timing its init');
  extra.bundles = await benchBundles();
  printBundles(extra.bundles as Awaited<ReturnType<typeof benchBundles>>);
}
if (Object.keys(extra).length > 0) {
  await writeFile(
    'bench/results/extra.json',
    `${JSON.stringify({ at: new Date().toISOString(), ...extra }, null, 2)}\n`,
  );
}
progress('done: tables above, JSON in bench/results/');
