/**
 * DynamoDB round trips and consumed capacity per API operation (issue 8 §2), counted by wrapping
 * `send` on the document client every handler of the local runtime shares.
 *
 * - Every command that accepts it is sent with `ReturnConsumedCapacity: 'TOTAL'` and the
 *   `ConsumedCapacity` of its output is summed into RCU/WCU. Where DynamoDB Local does not return
 *   it, the units are an estimate derived from item sizes (`capacityMeasured: false`).
 * - Each call is attributed to what made it (AsyncLocalStorage): `http` (an API handler), `workflow`
 *   (the change task handler run by the local state machine), `stream` (the stream publisher and the
 *   notifier behind it), `mail` (the SMTP ingest: anything else). A row counts the sources named in
 *   `counted`; calls by other sources during the same measurement are reported as `background`.
 *   Requests the bench makes only to set up or to poll carry `x-bench-probe` and are not counted.
 *
 * Budgets: get 1, list 1 per page, create ≤ 2, patch 1, comment ≤ 2; a new-ticket mail ≤ 6 on the ingest
 * path (issue 14 item 8; the notifier after it is its own row). The CMDB rows bound sequential round trips
 * instead: a ticket naming 5 CIs ≤ 2, PUT /cis/{id} ≤ 2, POST /cis/{id}/relationships ≤ 2.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { defaultFunctions } from '../bin/local/default-functions.js';
import type { LocalFunctions } from '../bin/local/functions.js';
import { startLocalRuntime } from '../bin/local/runtime.js';
import type { LocalChangeWorkflow } from '../functions/changes/workflow/local-workflow.js';
import { WAIT_FOR_WINDOW_STATE } from '../functions/changes/workflow/workflow-contract.js';
import { progress } from './progress.js';
import { sequentialRoundTrips } from './support/dynamo-calls.js';

export type CallSource = 'http' | 'workflow' | 'stream' | 'mail' | 'probe';

export interface RoundTripResult {
  operation: string;
  /** HTTP status of the measured request; 250 (SMTP) for mail; 0 for workflow rows. */
  status: number;
  calls: number;
  /** Sequential round trips of the counted calls: the longest chain of calls each started after the last answered. */
  sequential: number;
  byCommand: Record<string, number>;
  items: number;
  budget: number | null;
  /** What the budget bounds: DynamoDB calls, or sequential round trips (the CMDB rows). */
  budgetCounts: 'calls' | 'sequential';
  over: boolean;
  /** Read / write capacity units of the counted calls (measured, or derived: see capacityMeasured). */
  rcu: number;
  wcu: number;
  /** true when every counted call returned ConsumedCapacity; false: rcu/wcu derived from item sizes. */
  capacityMeasured: boolean;
  /** The call sources this row counts. */
  counted: CallSource[];
  /** Counted calls that failed (conditional check, transaction cancelled…); included in `calls`. */
  failed: number;
  /** Calls by other sources (workflow, stream publisher/notifier) during the same measurement. */
  background: {
    calls: number;
    bySource: Partial<Record<CallSource, number>>;
    byCommand: Record<string, number>;
    rcu: number;
    wcu: number;
  };
}

interface Call {
  command: string;
  source: CallSource;
  start: number;
  end: number;
  items: number;
  rcu: number;
  wcu: number;
  measured: boolean;
  failed: boolean;
}

interface SentCommand {
  constructor: { name: string };
  input?: Record<string, unknown>;
}

const PROBE_HEADER = 'x-bench-probe';
/** Commands that accept ReturnConsumedCapacity (document client and low-level names). */
const READS = new Set([
  'Get',
  'GetItem',
  'Query',
  'Scan',
  'BatchGet',
  'BatchGetItem',
  'TransactGet',
  'TransactGetItems',
]);
const WRITES = new Set([
  'Put',
  'PutItem',
  'Update',
  'UpdateItem',
  'Delete',
  'DeleteItem',
  'BatchWrite',
  'BatchWriteItem',
  'TransactWrite',
  'TransactWriteItems',
]);

function itemsOf(command: SentCommand, output: Record<string, unknown> | undefined): number {
  if (Array.isArray(output?.Items)) return output.Items.length;
  if (output?.Item) return 1;
  const input = command.input ?? {};
  if (Array.isArray(input.TransactItems)) return input.TransactItems.length;
  if (input.RequestItems) {
    return Object.values(input.RequestItems as Record<string, unknown[]>).reduce(
      (n, v) => n + (Array.isArray(v) ? v.length : 0),
      0,
    );
  }
  return output?.Attributes || input.Item || input.Key ? 1 : 0;
}

interface CapacityEntry {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Sums ConsumedCapacity (an object for single-item commands and Query, an array for transact/batch). */
function measuredCapacity(command: string, consumed: unknown): { rcu: number; wcu: number } | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const entries = (Array.isArray(consumed) ? consumed : [consumed]) as CapacityEntry[];
  let rcu = 0;
  let wcu = 0;
  for (const e of entries) {
    if (e.ReadCapacityUnits !== undefined || e.WriteCapacityUnits !== undefined) {
      rcu += e.ReadCapacityUnits ?? 0;
      wcu += e.WriteCapacityUnits ?? 0;
    } else if (READS.has(command)) rcu += e.CapacityUnits ?? 0;
    else wcu += e.CapacityUnits ?? 0;
  }
  return { rcu, wcu };
}

/** Approximate stored size of an item (attribute names plus JSON of the values). */
function sizeOf(item: unknown): number {
  return item && typeof item === 'object' ? Buffer.byteLength(JSON.stringify(item)) : 0;
}

/**
 * Fallback when ConsumedCapacity is absent: on-demand pricing rules applied to approximate item
 * sizes (reads 4 KB units, halved unless strongly consistent; writes 1 KB units; transactions ×2).
 * Update/Delete are sized by what the call returned or sent, so they are a lower bound.
 */
function derivedCapacity(
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown> | undefined,
): { rcu: number; wcu: number } {
  const readUnits = (bytes: number) =>
    Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead ? 1 : 0.5);
  const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
  if (command === 'Query' || command === 'Scan') {
    const items = (output?.Items as unknown[] | undefined) ?? [];
    return { rcu: readUnits(items.reduce<number>((n, i) => n + sizeOf(i), 0)), wcu: 0 };
  }
  if (command === 'Get') return { rcu: readUnits(sizeOf(output?.Item)), wcu: 0 };
  if (command === 'BatchGet') {
    const responses = Object.values((output?.Responses as Record<string, unknown[]>) ?? {}).flat();
    return { rcu: responses.reduce<number>((n, i) => n + readUnits(sizeOf(i)), 0), wcu: 0 };
  }
  if (command === 'TransactGet') {
    const responses = (output?.Responses as { Item?: unknown }[] | undefined) ?? [];
    return {
      rcu: responses.reduce<number>((n, r) => n + 2 * Math.max(1, Math.ceil(sizeOf(r.Item) / 4096)), 0),
      wcu: 0,
    };
  }
  if (command === 'TransactWrite') {
    const items = (input.TransactItems as Record<string, { Item?: unknown; Key?: unknown }>[]) ?? [];
    let rcu = 0;
    let wcu = 0;
    for (const t of items) {
      const [kind, body] = Object.entries(t)[0] ?? [];
      if (kind === 'ConditionCheck') rcu += 2;
      else wcu += 2 * writeUnits(sizeOf(body?.Item ?? body?.Key));
    }
    return { rcu, wcu };
  }
  if (command === 'BatchWrite') {
    const requests = Object.values(
      (input.RequestItems as Record<string, { PutRequest?: { Item: unknown } }[]>) ?? {},
    ).flat();
    return { rcu: 0, wcu: requests.reduce<number>((n, r) => n + writeUnits(sizeOf(r.PutRequest?.Item)), 0) };
  }
  if (WRITES.has(command))
    return { rcu: 0, wcu: writeUnits(sizeOf(input.Item ?? output?.Attributes ?? input.Key)) };
  return { rcu: 0, wcu: 0 };
}

const round = (n: number) => Math.round(n * 100) / 100;

function tally(calls: readonly Call[]): Record<string, number> {
  const by: Record<string, number> = {};
  for (const c of calls) by[c.command] = (by[c.command] ?? 0) + 1;
  return by;
}

export async function benchRoundTrips(): Promise<RoundTripResult[]> {
  const source = new AsyncLocalStorage<CallSource>();
  // The real handlers, each invocation tagged with its source (probe requests by their header).
  const http = Object.fromEntries(
    Object.entries(defaultFunctions.http).map(([name, create]) => [
      name,
      (deps: Parameters<typeof create>[0]) => {
        const handler = create(deps);
        return (event: Parameters<typeof handler>[0], context: Parameters<typeof handler>[1]) =>
          source.run(event.headers?.[PROBE_HEADER] ? 'probe' : 'http', () => handler(event, context));
      },
    ]),
  ) as unknown as LocalFunctions['http'];
  const runtime = await startLocalRuntime({
    port: 0,
    quiet: true,
    slaSweepMs: 0,
    smtpPort: 0,
    functions: {
      http,
      streamPublisher: (deps) => {
        const handler = defaultFunctions.streamPublisher(deps);
        return (event) => source.run('stream', () => handler(event));
      },
    },
  });
  const workflow = runtime.deps.workflow as LocalChangeWorkflow;
  // Every task of the state machine goes through this (private) method: tag what it does.
  const engine = workflow as unknown as { invoke: (name: string, payload: unknown) => Promise<unknown> };
  const invoke = engine.invoke.bind(workflow);
  engine.invoke = (name, payload) => source.run('workflow', () => invoke(name, payload));

  const calls: Call[] = [];
  let lastWorkflowCall = 0;
  let capacityReturned = 0;
  let capacityMissing = 0;
  const dynamo = runtime.deps.dynamo as unknown as {
    send: (command: SentCommand, ...rest: unknown[]) => Promise<Record<string, unknown>>;
  };
  const original = dynamo.send.bind(dynamo);
  dynamo.send = async (command, ...rest) => {
    const name = command.constructor.name.replace(/Command$/, '');
    const from = source.getStore() ?? 'mail';
    if (from === 'workflow') lastWorkflowCall = Date.now();
    const input = command.input ?? {};
    const start = performance.now();
    const accepts = READS.has(name) || WRITES.has(name);
    // The input is read when the command is serialised, i.e. inside send: setting it here applies.
    if (accepts && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
    let output: Record<string, unknown> | undefined;
    let failed = false;
    try {
      output = await original(command, ...rest);
      return output;
    } catch (error) {
      failed = true;
      // Cancelled transactions and failed conditions carry no usable ConsumedCapacity here.
      throw error;
    } finally {
      const measured = accepts && !failed ? measuredCapacity(name, output?.ConsumedCapacity) : undefined;
      if (accepts && !failed) {
        if (measured) capacityReturned++;
        else capacityMissing++;
      }
      const units = measured ?? (failed ? { rcu: 0, wcu: 0 } : derivedCapacity(name, input, output));
      calls.push({
        command: name,
        source: from,
        start,
        end: performance.now(),
        items: failed ? 0 : itemsOf(command, output),
        ...units,
        measured: measured !== undefined,
        failed,
      });
    }
  };

  const results: RoundTripResult[] = [];
  const row = (
    operation: string,
    budget: number | null,
    status: number,
    taken: readonly Call[],
    counted: CallSource[],
    /** Sources another row of the same measurement reports: not repeated as background here. */
    elsewhere: CallSource[] = [],
    budgetCounts: 'calls' | 'sequential' = 'calls',
  ): void => {
    const mine = taken.filter((c) => counted.includes(c.source));
    const others = taken.filter(
      (c) => !counted.includes(c.source) && !elsewhere.includes(c.source) && c.source !== 'probe',
    );
    const bySource: Partial<Record<CallSource, number>> = {};
    for (const c of others) bySource[c.source] = (bySource[c.source] ?? 0) + 1;
    const sequential = sequentialRoundTrips(mine);
    results.push({
      operation,
      status,
      calls: mine.length,
      sequential,
      byCommand: tally(mine),
      items: mine.reduce((n, c) => n + c.items, 0),
      budget,
      budgetCounts,
      over: budget !== null && (budgetCounts === 'calls' ? mine.length : sequential) > budget,
      rcu: round(mine.reduce((n, c) => n + c.rcu, 0)),
      wcu: round(mine.reduce((n, c) => n + c.wcu, 0)),
      capacityMeasured: mine.every((c) => c.measured || c.failed),
      counted,
      failed: mine.filter((c) => c.failed).length,
      background: {
        calls: others.length,
        bySource,
        byCommand: tally(others),
        rcu: round(others.reduce((n, c) => n + c.rcu, 0)),
        wcu: round(others.reduce((n, c) => n + c.wcu, 0)),
      },
    });
  };
  /** Runs `act` with a fresh call log (stream work of earlier steps drained first, its own after). */
  const capture = async (act: () => Promise<number>): Promise<{ status: number; taken: Call[] }> => {
    await runtime.flushEvents(5_000);
    calls.length = 0;
    const status = await act();
    await runtime.flushEvents(5_000); // what the stream then triggers shows as background
    return { status, taken: [...calls] };
  };
  const measure = async (
    operation: string,
    budget: number | null,
    act: () => Promise<number>,
    counted: CallSource[] = ['http'],
    budgetCounts: 'calls' | 'sequential' = 'calls',
  ): Promise<void> => {
    progress(`round trips: ${operation}`);
    const { status, taken } = await capture(act);
    row(operation, budget, status, taken, counted, [], budgetCounts);
  };

  const bearer = (token: string) => ({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  });
  const agent = bearer(
    runtime.tokenFor('bench-agent', ['agent'], { email: 'agent@corp.example', name: 'Bench Agent' }),
  );
  const request = async (
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; probe?: boolean } = {},
  ) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { ...(options.headers ?? agent), ...(options.probe ? { [PROBE_HEADER]: '1' } : {}) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), json: text ? JSON.parse(text) : undefined };
  };
  const probe = (
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) => request(method, path, { ...options, probe: true });
  const until = async <T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`round-trips bench: timed out waiting for ${what}`);
  };

  try {
    // Warm-up: one create so module-level caches (cursor key, first sequence item) behave as warm.
    const warm = await request('POST', '/tickets', { body: { type: 'incident', title: 'warm-up' } });
    let id = warm.json.id as string;
    await measure('POST /tickets (create)', 2, async () => {
      const r = await request('POST', '/tickets', {
        body: { type: 'incident', title: 'round trips', impact: 2, urgency: 2 },
      });
      id = r.json.id;
      return r.status;
    });
    await measure('GET /tickets/{id}', 1, async () => (await request('GET', `/tickets/${id}`)).status);
    await measure(
      'GET /tickets?limit=25 (1 page)',
      1,
      async () => (await request('GET', '/tickets?limit=25')).status,
    );
    // What a client does: GET (not counted, but the handler sees it, as a warm container would),
    // then PATCH with the ETag it got.
    const seen = await request('GET', `/tickets/${id}`);
    await measure(
      'PATCH /tickets/{id} (If-Match from a prior GET)',
      1,
      async () =>
        (
          await request('PATCH', `/tickets/${id}`, {
            body: { impact: 1 },
            headers: { ...agent, 'if-match': seen.etag ?? '*' },
          })
        ).status,
    );
    await measure(
      'PATCH /tickets/{id} (no If-Match)',
      1,
      async () => (await request('PATCH', `/tickets/${id}`, { body: { urgency: 1 } })).status,
    );
    await measure(
      'POST /tickets/{id}/comments',
      2,
      async () =>
        (
          await request('POST', `/tickets/${id}/comments`, {
            body: { body: 'Looking into it.', visibility: 'public' },
          })
        ).status,
    );
    await measure('GET /groups/{id}', 1, async () => (await request('GET', '/groups/service-desk')).status);

    // CMDB (docs/cmdb.md, docs/performance.md §7). The CIs are made by probe requests, which also warm
    // the cmdb handler's class cache; the change below names one too (CI ids on tickets and changes
    // must exist: cmdb.strictCiIds). These budgets bound sequential round trips: a ticket naming CIs
    // reads them in parallel with its number (then one transaction), a relationship reads both CIs
    // and the relationship in parallel (then one transaction).
    const fiveCis = ['bench-ci-1', 'bench-ci-2', 'bench-ci-3', 'bench-ci-4', 'bench-ci-5'];
    for (const ci of [...fiveCis, 'bench-ci-vpn-gw']) {
      const r = await probe('PUT', `/cis/${ci}`, { body: { class: 'server', name: `Bench ${ci}` } });
      if (r.status >= 300) throw new Error(`PUT /cis/${ci}: ${r.status} ${JSON.stringify(r.json)}`);
    }
    const cmdbRow = (operation: string, budget: number | null, act: () => Promise<number>) =>
      measure(operation, budget, act, ['http'], 'sequential');
    await cmdbRow(
      'POST /tickets (5 CIs)',
      2,
      async () =>
        (
          await request('POST', '/tickets', {
            body: { type: 'incident', title: 'Five servers down', impact: 2, urgency: 2, ciIds: fiveCis },
          })
        ).status,
    );
    await cmdbRow(
      'PUT /cis/{id}',
      2,
      async () =>
        (
          await request('PUT', '/cis/bench-ci-6', {
            body: { class: 'server', name: 'Bench CI 6', criticality: 2 },
          })
        ).status,
    );
    await cmdbRow(
      'POST /cis/{id}/relationships',
      2,
      async () =>
        (
          await request('POST', '/cis/bench-ci-1/relationships', {
            body: { type: 'runs_on', target: 'bench-ci-2' },
          })
        ).status,
    );
    await cmdbRow(
      'GET /cis/{id}/impact',
      null,
      async () => (await request('GET', '/cis/bench-ci-2/impact')).status,
    );

    // Email ingest: counted from SMTP send until the stream queue drains; the ingest path (`mail`)
    // and the notifier's acknowledgement work (`stream`, on the shared client) on rows of their own.
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: runtime.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const mailed = async (mail: { subject: string; text: string }) => {
      await transport.sendMail({
        from: 'Rita Requester <rita@example.com>',
        to: 'support@opsdesk.local',
        ...mail,
      });
      await runtime.flushEvents(5_000);
      return 250;
    };
    const subject = 'Printer on floor 3 jams';
    const measureMail = async (operation: string, send: () => Promise<number>) => {
      progress(`round trips: ${operation}`);
      const { status, taken } = await capture(send);
      row(operation, operation.includes('new ticket') ? 6 : null, status, taken, ['mail'], ['stream']);
      row('↳ notifier (stream publisher, notifier)', null, 0, taken, ['stream'], ['mail']);
    };
    try {
      // A first mail warms what a container keeps (the default group, the SLA configuration).
      await mailed({ subject: 'Warm-up mail', text: 'x' });
      await measureMail('email ingest, new ticket', () =>
        mailed({ subject, text: 'It jams on every page.' }),
      );
      const listed = await probe('GET', '/tickets?limit=50');
      const mailTicket = (listed.json?.items as { id: string; title: string }[] | undefined)?.find(
        (t) => t.title === subject,
      );
      if (mailTicket) {
        await measureMail('email ingest, reply to existing ticket', () =>
          mailed({ subject: `Re: [${mailTicket.id}] ${subject}`, text: 'Still jamming after the reboot.' }),
        );
      } else {
        console.warn('round-trips bench: the mailed ticket was not found; reply not measured');
      }
    } finally {
      transport.close();
    }

    // Change approval: a normal change, one CI, one approval group with one approver, low risk (so
    // no change-manager stage). The approve request is counted alone; the workflow's own calls
    // (which run concurrently, in-process) are reported on their own rows.
    await workflow.ready();
    const admin = bearer(runtime.adminToken);
    const group = await probe('PUT', '/groups/bench-cab', {
      body: { name: 'Bench CAB', members: ['bench-approver'], email: 'bench-cab@example.com' },
      headers: admin,
    });
    if (group.status >= 300)
      throw new Error(`PUT /groups/bench-cab: ${group.status} ${JSON.stringify(group.json)}`);
    const approver = bearer(runtime.tokenFor('bench-approver', ['approver'], { name: 'Bench Approver' }));
    const inMinutes = (minutes: number) =>
      new Date(runtime.clock.now().getTime() + minutes * 60_000).toISOString();
    const quietWorkflow = () =>
      until('the workflow to go quiet', () => (Date.now() - lastWorkflowCall > 300 ? true : undefined));
    let changeId = '';
    const created = await capture(async () => {
      const r = await request('POST', '/changes', {
        body: {
          type: 'normal',
          title: 'Bench: rotate the VPN gateway certificate',
          description: 'Round-trip measurement',
          ciIds: ['bench-ci-vpn-gw'],
          plannedStart: inMinutes(2 * 24 * 60),
          plannedEnd: inMinutes(2 * 24 * 60 + 60),
          implementationPlan: 'Install the new certificate, restart, verify',
          backoutPlan: 'Reinstall the old certificate',
          approvalGroups: ['bench-cab'],
        },
      });
      if (r.status !== 201) throw new Error(`POST /changes: ${r.status} ${JSON.stringify(r.json)}`);
      changeId = r.json.id;
      await until('the approval to be requested', async () => {
        const change = (await probe('GET', `/changes/${changeId}`)).json;
        return change?.approvals?.some(
          (a: { group: string; status: string }) => a.group === 'bench-cab' && a.status === 'pending',
        )
          ? true
          : undefined;
      });
      await quietWorkflow(); // the request step notifies the group after storing its token
      return r.status;
    });
    const change = 'POST /changes (create: normal, 1 CI, 1 approval group)';
    row(change, null, created.status, created.taken, ['http'], ['workflow']);
    row('↳ workflow: Submit → Assess → approval requested', null, 0, created.taken, ['workflow'], ['http']);
    const approved = await capture(async () => {
      const r = await request('POST', `/changes/${changeId}/approvals`, {
        body: { decision: 'approve', comment: 'ok' },
        headers: approver,
      });
      // The approval ends the CAB stage; Schedule runs, then the Wait before the window.
      await until('the change to be scheduled', () =>
        workflow
          .describe(changeId)
          ?.events.some((e) => e.type === 'StateEntered' && e.state === WAIT_FOR_WINDOW_STATE)
          ? true
          : undefined,
      );
      await quietWorkflow();
      return r.status;
    });
    row(
      'POST /changes/{id}/approvals (approve)',
      null,
      approved.status,
      approved.taken,
      ['http'],
      ['workflow'],
    );
    row('↳ workflow after the approval: → scheduled', null, 0, approved.taken, ['workflow'], ['http']);
  } finally {
    dynamo.send = original;
    engine.invoke = invoke;
    await runtime.stop();
  }
  if (capacityMissing > 0) {
    console.warn(
      `round-trips bench: ${capacityMissing} of ${capacityMissing + capacityReturned} calls returned no ConsumedCapacity; their units are derived from item sizes`,
    );
  }
  return results;
}

export function printRoundTrips(results: RoundTripResult[]): void {
  const measured = results.every((r) => r.capacityMeasured);
  console.log(
    `\nDynamoDB round trips and capacity per operation (calls on the shared document client; warm handlers; ${
      measured
        ? 'RCU/WCU as returned by DynamoDB Local with ReturnConsumedCapacity=TOTAL'
        : 'RCU/WCU marked * are derived from item sizes, DynamoDB Local returned no ConsumedCapacity'
    })\n`,
  );
  console.log(
    '| operation | status | calls | sequential | budget | by command | items | RCU | WCU | background (not counted) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const by = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ');
  for (const r of results) {
    const budget =
      r.budget === null
        ? '–'
        : `≤ ${r.budget}${r.budgetCounts === 'sequential' ? ' sequential' : ''}${r.over ? ' **over**' : ''}`;
    const mark = r.capacityMeasured ? '' : '*';
    const failed = r.failed > 0 ? ` (${r.failed} failed)` : '';
    const background =
      r.background.calls === 0
        ? '–'
        : `${r.background.calls}: ${by(r.background.bySource)} (${by(r.background.byCommand)})`;
    console.log(
      `| ${r.operation} | ${r.status || '–'} | ${r.calls}${failed} | ${r.sequential} | ${budget} | ${by(r.byCommand)} | ${r.items} | ${r.rcu}${mark} | ${r.wcu}${mark} | ${background} |`,
    );
  }
  console.log(
    '\nCapacity includes GSI writes. DynamoDB Local returns CapacityUnits only (no read/write split):' +
      ' units go to RCU for Get/Query/BatchGet/TransactGet, to WCU otherwise (a TransactWrite ConditionCheck' +
      ' counts as WCU). It reports 0 for a Query that finds nothing, where DynamoDB bills 0.5 RCU.',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchRoundTrips();
  printRoundTrips(results);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/round-trips.json', `${JSON.stringify(results, null, 2)}\n`);
}
