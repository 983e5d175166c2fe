/**
 * SLA sweep cost against table size: N open tickets with running clocks, of which 20 are due.
 * Items read and time per sweep must stay flat as N grows, because the sweeper reads only the
 * sparse deadline index up to now. `npm run bench` runs it; BENCH_SLA_SIZES=1000,10000 overrides.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedDefaults } from '../functions/seed/defaults.js';
import { TestClock } from '../functions/shared/clock/test-clock.js';
import { ALWAYS_ON_CALENDAR, DEFAULT_BUSINESS_CALENDAR } from '../functions/sla/calendar.js';
import { trackSla } from '../functions/sla/clocks.js';
import { DEFAULT_POLICIES } from '../functions/sla/policy.js';
import { assembleSlaSweeper } from '../functions/sla/sweeper.function.js';
import type { Ticket } from '../functions/tickets/model.js';
import { newTicket } from '../functions/tickets/rules.js';
import { ticketIndexKeys, ticketKey } from '../functions/tickets/store/ticket-keys.js';
import { progress } from './progress.js';
import { countDynamoCalls, measureCalls } from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';

const SIZES = (process.env.BENCH_SLA_SIZES ?? '1000,10000,50000').split(',').map(Number);
const DUE = 20;
/** Sweeps timed per size (each re-arms the same 20 due tickets); the median is reported. */
const SAMPLES = Number(process.env.BENCH_SWEEP_SAMPLES ?? 3);
const NOW = new Date('2026-11-23T12:00:00.000Z');

export interface SweepCost {
  readonly openTickets: number;
  readonly due: number;
  readonly itemsRead: number;
  readonly queries: number;
  readonly sweepMs: number;
  readonly recorded: number;
}

const stamp = { version: 1, updatedAt: NOW.toISOString() };
const config = {
  policies: DEFAULT_POLICIES.map((p) => ({ ...p, ...stamp })),
  calendars: new Map([ALWAYS_ON_CALENDAR, DEFAULT_BUSINESS_CALENDAR].map((c) => [c.id, { ...c, ...stamp }])),
};
const requester = { id: 'bench', roles: new Set(['agent'] as const), email: null, name: null };

/** A P1 ticket created `minutesAgo` before NOW, with its clocks as the service would store them. */
function openTicket(n: number, minutesAgo: number): Ticket {
  const created = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const draft = newTicket(
    `INC-${String(n).padStart(6, '0')}`,
    { type: 'incident', title: `t${n}`, impact: 1, urgency: 1 },
    requester,
    {
      now: created,
      eventId: `e${n}`,
    },
  );
  return { ...draft, sla: trackSla(undefined, draft, config, new Date(created)).sla };
}

async function fill(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  from: number,
  to: number,
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let n = from; n < to; n += 25) {
    batches.push(
      Array.from({ length: Math.min(25, to - n) }, (_, i) => {
        // The first DUE tickets were opened 13 minutes ago (warning due); the rest a minute ago.
        const t = openTicket(n + i, n + i < DUE ? 13 : 1);
        return { ...ticketKey(t.id), ...ticketIndexKeys(t), ...t };
      }),
    );
  }
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map((items) =>
        dynamo.send(
          new BatchWriteCommand({
            RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      ),
    );
  }
}

export async function benchSlaSweep(sizes = SIZES): Promise<SweepCost[]> {
  return withBenchTable('sla', async ({ dynamo, tableName }) => {
    const results: SweepCost[] = [];
    const clock = new TestClock();
    clock.freeze(NOW);
    await seedDefaults({ dynamo, tableName, clock });
    // Counts what the sweeper reads: every Query's items.
    const counter = countDynamoCalls(dynamo);
    const sweep = assembleSlaSweeper({ tableName, dynamo, clock }, { mail: true, fallbackAddress: null });
    // Warm-up: one recording sweep of the due tickets alone, so the first size does not pay for the
    // JVM's and the handler's first-use costs.
    await fill(dynamo, tableName, 0, DUE);
    await sweep();
    let filled = 0;
    for (const size of sizes) {
      progress(
        `SLA sweep: ${size.toLocaleString('en')} open tickets (writing ${(size - filled).toLocaleString('en')})`,
      );
      await fill(dynamo, tableName, filled, size);
      filled = size;
      const times: number[] = [];
      let last: Omit<SweepCost, 'sweepMs'> | undefined;
      for (let sample = 0; sample < SAMPLES; sample++) {
        // Re-arm the due tickets: each sweep must record the same 20 warnings.
        await fill(dynamo, tableName, 0, DUE);
        const { value: summary, log, ms } = await measureCalls(counter, sweep);
        times.push(ms);
        const queries = log.filter((call) => call.command === 'Query');
        last = {
          openTickets: size,
          due: DUE,
          itemsRead: queries.reduce((n, call) => n + call.read, 0),
          queries: queries.length,
          recorded: summary.warned,
        };
      }
      times.sort((a, b) => a - b);
      results.push({ ...last!, sweepMs: Math.round(times[Math.floor(times.length / 2)]!) });
    }
    return results;
  });
}

/** The table, with each size's items read and time as a ratio to the smallest size's (flat is ≈ 1). */
export function printSlaSweep(results: readonly SweepCost[]): void {
  console.log(
    `\nSLA sweep cost against table size (DynamoDB Local; ${DUE} tickets due; items = Query items incl. the SLA config; time = median of ${SAMPLES} sweeps)\n`,
  );
  console.log(
    '| open tickets | queries | items read | sweep ms | items vs first | time vs first | warnings recorded |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const base = results[0];
  const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : '–');
  for (const r of results) {
    console.log(
      `| ${r.openTickets} | ${r.queries} | ${r.itemsRead} | ${r.sweepMs} | ${ratio(r.itemsRead, base?.itemsRead)} | ${ratio(r.sweepMs, base?.sweepMs)} | ${r.recorded} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printSlaSweep(await benchSlaSweep());
}
