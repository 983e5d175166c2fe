import { pathToFileURL } from 'node:url';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../functions/shared/authz.js';
import { COUNT_DIMENSIONS, countCellsOf, TicketCountService } from '../functions/tickets/counts.js';
import type { Ticket } from '../functions/tickets/model.js';
import { TICKET_SORTS, type TicketQuery } from '../functions/tickets/queue.js';
import { newTicket } from '../functions/tickets/rules.js';
import { DynamoTicketCountStore } from '../functions/tickets/store/dynamodb-ticket-count-store.js';
import { DynamoTicketRepository } from '../functions/tickets/store/dynamodb-ticket-store.js';
import { changedQueueItems } from '../functions/tickets/store/ticket-keys.js';
import { progress } from './progress.js';
import { countDynamoCalls, measureCalls, sequentialRoundTrips } from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';
import { seededRandom } from './support/seeded-random.js';

const TICKETS = Number(process.env.BENCH_QUEUE_TICKETS ?? 2000);
const PAGE = 25;
const GROUPS = ['network', 'service-desk', 'database', 'workplace'];

export interface QueueCost {
  calls: number;
  sequential: number;
  itemsRead: number;
  rcu: number;
  wcu: number;
}

export interface QueuePageRow extends QueueCost {
  queue: string;
  sort: string;
  page: 1 | 2;
  returned: number;
}

export interface QueueBenchResult {
  tickets: number;
  pages: QueuePageRow[];
  counts: (QueueCost & { by: string; filter: string; buckets: number })[];
  writes: (QueueCost & { write: string; queueItems: number })[];
  capacityMeasured: boolean;
}

const T0 = Date.parse('2026-11-01T08:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function deskTicket(i: number, random: () => number): Ticket {
  const types = ['incident', 'incident', 'incident', 'service_request', 'problem'] as const;
  const type = types[Math.floor(random() * types.length)]!;
  const impact = (1 + Math.floor(random() * 3)) as 1 | 2 | 3;
  const urgency = (1 + Math.floor(random() * 3)) as 1 | 2 | 3;
  const prefix = { incident: 'INC', service_request: 'REQ', problem: 'PRB' }[type];
  const created = i * 5;
  const base = newTicket(
    `${prefix}-${String(i + 1).padStart(6, '0')}`,
    {
      type,
      title: `Generated ticket ${i}`,
      impact,
      urgency,
      description: 'Generated for the queue bench. '.repeat(8),
    },
    { id: `user-${i % 300}`, roles: new Set(['requester']), email: null, name: null },
    { now: iso(created), eventId: `bench-${i}` },
  );
  const statuses = ['new', 'new', 'in_progress', 'in_progress', 'on_hold', 'resolved', 'closed'] as const;
  const dueIn = 30 + Math.floor(random() * 3000);
  const clock = {
    targetMinutes: dueIn,
    startedAt: iso(created),
    dueAt: iso(created + dueIn),
    warnAt: iso(created + dueIn * 0.8),
    metAt: null,
    warnedAt: null,
    breachedAt: random() < 0.1 ? iso(created + dueIn) : null,
    pausedMs: 0,
    pauses: [],
  };
  return {
    ...base,
    status: statuses[Math.floor(random() * statuses.length)]!,
    group: random() < 0.05 ? null : GROUPS[Math.floor(random() * GROUPS.length)]!,
    assignee: random() < 0.4 ? null : `agent-${Math.floor(random() * 25)}`,
    updatedAt: iso(created + Math.floor(random() * 600)),
    sla:
      base.priority === 5
        ? null
        : {
            policyId: 'p',
            calendarId: 'always-on',
            firstResponse: { ...clock, metAt: iso(created + 5) },
            resolution: clock,
            pendingNotices: [],
          },
  };
}

export async function benchQueues(): Promise<QueueBenchResult> {
  return withBenchTable('queues', async ({ dynamo, tableName }) => {
    const counter = countDynamoCalls(dynamo);
    const store = new DynamoTicketRepository(dynamo, tableName);
    const countStore = new DynamoTicketCountStore(dynamo, tableName);
    const counts = new TicketCountService(countStore);
    const agent: Caller = { id: 'bench', roles: new Set(['agent'] as const), email: null, name: 'Bench' };
    const measure = async <T>(act: () => Promise<T>): Promise<{ value: T; cost: QueueCost }> => {
      const { value, log } = await measureCalls(counter, act);
      return {
        value,
        cost: {
          calls: log.length,
          sequential: sequentialRoundTrips(log),
          itemsRead: log.reduce((n, c) => n + c.read, 0),
          rcu: Math.round(log.reduce((n, c) => n + c.rcu, 0) * 10) / 10,
          wcu: Math.round(log.reduce((n, c) => n + c.wcu, 0) * 10) / 10,
        },
      };
    };

    progress(`queues: writing ${TICKETS} generated tickets and counting them`);
    const random = seededRandom(19);
    const desk = Array.from({ length: TICKETS }, (_, i) => deskTicket(i, random));
    for (let i = 0; i < desk.length; i += 25) {
      await Promise.all(
        desk.slice(i, i + 25).map(async (t) => {
          await store.commit([{ after: t, history: historyOf(t, 'created') }]);
          await countStore.record(t.id, t.version, countCellsOf(t));
        }),
      );
    }

    progress('queues: one page of every sort');
    const queues: [string, TicketQuery][] = [
      ['all tickets', {}],
      ['group=network', { group: 'network' }],
      [
        'unassigned P1–P2 incidents, group=network',
        { group: 'network', assignee: null, priority: [1, 2], type: 'incident' },
      ],
      ['status=new,in_progress', { status: ['new', 'in_progress'] }],
    ];
    const pages: QueuePageRow[] = [];
    for (const [queue, query] of queues) {
      for (const sort of TICKET_SORTS) {
        const first = await measure(() => store.list({ ...query, sort }, { limit: PAGE }));
        pages.push({ queue, sort, page: 1, returned: first.value.items.length, ...first.cost });
        if (first.value.lastKey) {
          const second = await measure(() =>
            store.list({ ...query, sort }, { limit: PAGE, startKey: first.value.lastKey! }),
          );
          pages.push({ queue, sort, page: 2, returned: second.value.items.length, ...second.cost });
        }
      }
    }

    progress('queues: counts');
    const countRows: QueueBenchResult['counts'] = [];
    for (const by of COUNT_DIMENSIONS) {
      const plain = await measure(() => counts.counts(agent, { by }));
      countRows.push({ by, filter: '', buckets: plain.value.buckets.length, ...plain.cost });
    }
    const filtered = await measure(() =>
      counts.counts(agent, {
        by: 'assignee',
        filter: { dimension: 'group', values: ['network', 'database'] },
      }),
    );
    countRows.push({
      by: 'assignee',
      filter: 'group=network,database',
      buckets: filtered.value.buckets.length,
      ...filtered.cost,
    });

    progress('queues: write cost');
    const writes: QueueBenchResult['writes'] = [];
    const fresh = deskTicket(TICKETS + 1, random);
    const created = await measure(() =>
      store.commit([{ after: fresh, history: historyOf(fresh, 'created') }]),
    );
    writes.push({
      write: 'create (ticket, history, 3 queue items)',
      queueItems: changedQueueItems(undefined, fresh).length,
      ...created.cost,
    });
    const assigned: Ticket = {
      ...fresh,
      assignee: 'agent-1',
      status: 'in_progress',
      updatedAt: iso(TICKETS * 5 + 60),
      version: 2,
    };
    const updated = await measure(() =>
      store.commit([{ before: fresh, after: assigned, history: historyOf(assigned, 'updated') }]),
    );
    writes.push({
      write: 'update: assign + status',
      queueItems: changedQueueItems(fresh, assigned).length,
      ...updated.cost,
    });
    const touched: Ticket = { ...assigned, title: 'Renamed', updatedAt: iso(TICKETS * 5 + 61), version: 3 };
    const retitled = await measure(() =>
      store.commit([{ before: assigned, after: touched, history: historyOf(touched, 'updated') }]),
    );
    writes.push({
      write: 'update: title only',
      queueItems: changedQueueItems(assigned, touched).length,
      ...retitled.cost,
    });
    // The queue items' share: the same item writes alone, on a twin ticket in the same states.
    const twin: Ticket = {
      ...fresh,
      id: fresh.id.replace(/\d+$/, (n) => String(Number(n) + 1).padStart(6, '0')),
    };
    const twinAssigned: Ticket = { ...assigned, id: twin.id };
    const twinTouched: Ticket = { ...touched, id: twin.id };
    const putAll = (items: Record<string, unknown>[]) =>
      dynamo.send(
        new TransactWriteCommand({
          TransactItems: items.map((Item) => ({ Put: { TableName: tableName, Item } })),
        }),
      );
    const qCreate = await measure(() => putAll(changedQueueItems(undefined, twin)));
    writes.push({ write: 'of which queue items: create', queueItems: 3, ...qCreate.cost });
    const qAssign = await measure(() => putAll(changedQueueItems(twin, twinAssigned)));
    writes.push({ write: 'of which queue items: assign + status', queueItems: 3, ...qAssign.cost });
    const qTitle = await measure(() => putAll(changedQueueItems(twinAssigned, twinTouched)));
    writes.push({ write: 'of which queue items: title only', queueItems: 1, ...qTitle.cost });
    const countedNew = await measure(() => countStore.record(fresh.id, 1, countCellsOf(fresh)));
    writes.push({ write: 'async: count a new ticket (stream consumer)', queueItems: 0, ...countedNew.cost });
    const countedMove = await measure(() => countStore.record(fresh.id, 2, countCellsOf(assigned)));
    writes.push({ write: 'async: count assign + status', queueItems: 0, ...countedMove.cost });
    const countedSame = await measure(() => countStore.record(fresh.id, 3, countCellsOf(touched)));
    writes.push({ write: 'async: count title only (nothing moves)', queueItems: 0, ...countedSame.cost });

    const capacityMeasured = writes.some((w) => w.wcu > 0);
    return { tickets: TICKETS, pages, counts: countRows, writes, capacityMeasured };
  });
}

function historyOf(t: Ticket, action: 'created' | 'updated') {
  return {
    id: `h-${t.id}-${t.version}`,
    recordId: t.id,
    at: t.updatedAt,
    actor: { id: 'bench', name: null },
    action,
    changes: [],
    events: [],
  };
}

export function printQueues(result: QueueBenchResult): void {
  console.log(`\n## Agent queues (${result.tickets} tickets, DynamoDB Local)\n`);
  console.log('| queue | sort | page | returned | calls | sequential round trips | items read | RCU |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of result.pages) {
    console.log(
      `| ${r.queue} | ${r.sort} | ${r.page} | ${r.returned} | ${r.calls} | ${r.sequential} | ${r.itemsRead} | ${r.rcu} |`,
    );
  }
  console.log('\n| counts by | filter | buckets | calls | sequential | counter items read |');
  console.log('|---|---|---|---|---|---|');
  for (const r of result.counts) {
    console.log(
      `| ${r.by} | ${r.filter || '—'} | ${r.buckets} | ${r.calls} | ${r.sequential} | ${r.itemsRead} |`,
    );
  }
  console.log(
    `\n| write | queue items written | calls | WCU${result.capacityMeasured ? '' : ' (not returned by DynamoDB Local)'} |`,
  );
  console.log('|---|---|---|---|');
  for (const r of result.writes) console.log(`| ${r.write} | ${r.queueItems} | ${r.calls} | ${r.wcu} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchQueues();
  printQueues(result);
  await writeBenchResult('queues', result);
}
