/**
 * An alert storm through the local intake (issue 17): DELIVERIES PagerDuty Events v2 triggers over
 * KEYS distinct dedup keys at concurrency 16, against the real alerts function on DynamoDB Local.
 * Reports deliveries/s, p50/p99, the incidents opened (must equal KEYS) and the DynamoDB writes a
 * repeat costs (goal: one conditional write, no transaction, no history item). Configurable:
 * BENCH_ALERT_DELIVERIES (10000), BENCH_ALERT_KEYS (200), BENCH_ALERT_CONCURRENCY (16).
 */
import { startLocalRuntime } from '../bin/local/runtime.js';
import { progress } from './progress.js';

const DELIVERIES = Number(process.env.BENCH_ALERT_DELIVERIES ?? 10_000);
const KEYS = Number(process.env.BENCH_ALERT_KEYS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_ALERT_CONCURRENCY ?? 16);

export interface AlertStorm {
  readonly deliveries: number;
  readonly keys: number;
  readonly concurrency: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly incidentsCreated: number;
  readonly repeats: number;
  /** DynamoDB write calls of the repeat phase, by command, per repeat. */
  readonly writesPerRepeat: number;
  readonly transactionsInRepeats: number;
  readonly writeCommands: Record<string, number>;
  readonly results: Record<string, number>;
  /** Sequential DynamoDB round trips of one first fire / one repeat, alone on a warm runtime. */
  readonly firstFireRoundTrips: number;
  readonly repeatRoundTrips: number;
  readonly firstFireCalls: readonly string[];
  readonly repeatCalls: readonly string[];
}

const WRITES = new Set([
  'PutItem',
  'Put',
  'UpdateItem',
  'Update',
  'DeleteItem',
  'Delete',
  'TransactWriteItems',
  'TransactWrite',
  'BatchWriteItem',
  'BatchWrite',
]);

export async function benchAlerts(): Promise<AlertStorm> {
  const runtime = await startLocalRuntime({ port: 0, quiet: true, slaSweepMs: 0, smtpPort: 0 });
  try {
    const admin = { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${runtime.url}/integrations/storm`, {
      method: 'PUT',
      headers: admin,
      // The storm limit (rule 10) is lifted: this bench measures 200 incidents of their own.
      body: JSON.stringify({
        name: 'Storm',
        kind: 'pagerduty_v2',
        auth: { mode: 'bearer' },
        stormLimit: { newIncidentsPerMinute: 10_000 },
      }),
    });
    const { secret } = (await created.json()) as { secret: string };

    const writes = new Map<string, number>();
    let counting = false;
    let timeline: { name: string; start: number; end: number }[] | undefined;
    const dynamo = runtime.deps.dynamo as unknown as {
      send: (command: object, ...rest: unknown[]) => Promise<unknown>;
    };
    const original = dynamo.send.bind(dynamo);
    dynamo.send = (command, ...rest) => {
      const name = command.constructor.name.replace(/Command$/, '');
      if (counting && WRITES.has(name)) writes.set(name, (writes.get(name) ?? 0) + 1);
      const calls = timeline;
      if (!calls) return original(command, ...rest);
      const entry = { name, start: performance.now(), end: Number.POSITIVE_INFINITY };
      calls.push(entry);
      return original(command, ...rest).finally(() => {
        entry.end = performance.now();
      });
    };
    // Round trips of one delivery alone: a call that starts after every call before it has ended
    // begins a new sequential round.
    const roundTrips = async (body: Record<string, unknown>) => {
      await runtime.flushEvents(30_000);
      timeline = [];
      await fetch(`${runtime.url}/alerts/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ routing_key: secret, ...body }),
      });
      const calls = timeline;
      timeline = undefined;
      let rounds = 0;
      let roundEnd = Number.NEGATIVE_INFINITY;
      for (const call of [...calls].sort((a, b) => a.start - b.start)) {
        if (call.start >= roundEnd) {
          rounds++;
          roundEnd = call.end;
        } else roundEnd = Math.max(roundEnd, call.end);
      }
      return { rounds, calls: calls.map((call) => call.name) };
    };
    const probe = (key: string) => ({
      event_action: 'trigger',
      dedup_key: key,
      payload: { summary: 'Round-trip probe', source: 'probe-host', severity: 'warning' },
    });
    // Warm the per-container caches (SLA configuration, groups) as a running stack has them.
    await roundTrips(probe('warm-up'));
    const firstFire = await roundTrips(probe('probe-1'));
    const repeat = await roundTrips(probe('probe-1'));

    const latencies: number[] = [];
    const results = new Map<string, number>();
    const incidents = new Set<string>();
    let errors = 0;
    const send = async (i: number) => {
      const t0 = performance.now();
      const res = await fetch(`${runtime.url}/alerts/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          routing_key: secret,
          event_action: 'trigger',
          dedup_key: `storm-${i % KEYS}`,
          payload: { summary: `Storm alert ${i % KEYS}`, source: `host-${i % KEYS}`, severity: 'warning' },
        }),
      });
      const body = (await res.json()) as { result?: string; incidentId?: string };
      latencies.push(performance.now() - t0);
      if (res.status >= 400) errors++;
      if (body.result) results.set(body.result, (results.get(body.result) ?? 0) + 1);
      if (body.incidentId) incidents.add(body.incidentId);
    };
    const run = async (from: number, to: number) => {
      let next = from;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < to) await send(next++);
        }),
      );
    };
    progress(`alert storm: ${DELIVERIES} deliveries over ${KEYS} keys at concurrency ${CONCURRENCY}`);
    // The first KEYS deliveries are the first fire of every key (racing each other at concurrency 16).
    let started = performance.now();
    await run(0, Math.min(KEYS, DELIVERIES));
    let elapsed = performance.now() - started;
    // What the new incidents set off downstream (mail notices, SLA) settles before the repeats are
    // counted, so the count is the intake's own; that wait is not part of the storm's time.
    await runtime.flushEvents(30_000);
    counting = true;
    started = performance.now();
    await run(Math.min(KEYS, DELIVERIES), DELIVERIES);
    elapsed += performance.now() - started;
    counting = false;
    const seconds = elapsed / 1000;
    dynamo.send = original;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
    const repeats = Math.max(0, DELIVERIES - KEYS);
    const totalWrites = [...writes.values()].reduce((a, b) => a + b, 0);
    return {
      deliveries: DELIVERIES,
      keys: KEYS,
      concurrency: CONCURRENCY,
      perSecond: Math.round(DELIVERIES / seconds),
      p50: at(0.5),
      p99: at(0.99),
      errors,
      incidentsCreated: results.get('created') ?? 0,
      repeats,
      writesPerRepeat: repeats ? Math.round((totalWrites / repeats) * 1000) / 1000 : 0,
      transactionsInRepeats: (writes.get('TransactWriteItems') ?? 0) + (writes.get('TransactWrite') ?? 0),
      writeCommands: Object.fromEntries(writes),
      results: Object.fromEntries(results),
      firstFireRoundTrips: firstFire.rounds,
      repeatRoundTrips: repeat.rounds,
      firstFireCalls: firstFire.calls,
      repeatCalls: repeat.calls,
    };
  } finally {
    await runtime.stop();
  }
}

export function printAlerts(storm: AlertStorm): void {
  console.log('\nAlert storm through the local intake (PagerDuty Events v2, DynamoDB Local, loopback)\n');
  console.log(
    '| deliveries | keys | concurrency | deliveries/s | p50 ms | p99 ms | errors | incidents created | DynamoDB writes per repeat | transactions in repeats |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${storm.deliveries} | ${storm.keys} | ${storm.concurrency} | ${storm.perSecond} | ${storm.p50} | ${storm.p99} | ${storm.errors} | ${storm.incidentsCreated} | ${storm.writesPerRepeat} | ${storm.transactionsInRepeats} |`,
  );
  console.log(
    `\nwrite calls in the repeat phase: ${JSON.stringify(storm.writeCommands)}; results: ${JSON.stringify(storm.results)}`,
  );
  console.log(
    `sequential DynamoDB round trips, one delivery alone: first fire ${storm.firstFireRoundTrips} (${storm.firstFireCalls.join(', ')}); repeat ${storm.repeatRoundTrips} (${storm.repeatCalls.join(', ')})`,
  );
}

if (process.argv[1]?.endsWith('bench/alerts.ts')) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  printAlerts(await benchAlerts());
}
