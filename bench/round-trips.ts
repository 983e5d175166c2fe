/**
 * DynamoDB round trips per API operation (issue 8 §2), counted by wrapping `send` on the document
 * client every handler of the local runtime shares. ReturnConsumedCapacity is not set by the
 * repositories, so this counts calls by command name and items returned/written, not capacity units.
 * Budgets: get 1, list 1 per page, create ≤ 2, patch 1, comment ≤ 2.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { startLocalRuntime } from '../bin/local/runtime.js';

export interface RoundTripResult {
  operation: string;
  status: number;
  calls: number;
  byCommand: Record<string, number>;
  items: number;
  budget: number | null;
  over: boolean;
}

interface Call {
  command: string;
  items: number;
}

function itemsOf(command: { input?: Record<string, unknown> }, output: Record<string, unknown>): number {
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

export async function benchRoundTrips(): Promise<RoundTripResult[]> {
  const runtime = await startLocalRuntime({ port: 0, quiet: true, slaSweepMs: 0, smtpPort: 0 });
  const calls: Call[] = [];
  const dynamo = runtime.deps.dynamo as unknown as {
    send: (
      command: { constructor: { name: string }; input?: Record<string, unknown> },
      ...rest: unknown[]
    ) => Promise<Record<string, unknown>>;
  };
  const original = dynamo.send.bind(dynamo);
  dynamo.send = async (command, ...rest) => {
    const output = await original(command, ...rest);
    calls.push({
      command: command.constructor.name.replace(/Command$/, ''),
      items: itemsOf(command, output),
    });
    return output;
  };
  const results: RoundTripResult[] = [];
  const auth = {
    authorization: `Bearer ${runtime.tokenFor('bench-agent', ['agent'], { email: 'agent@corp.example', name: 'Bench Agent' })}`,
    'content-type': 'application/json',
  };
  const measure = async (
    operation: string,
    budget: number | null,
    act: () => Promise<number>,
  ): Promise<void> => {
    await runtime.flushEvents(5_000); // stream-triggered work of the previous step is not counted here
    calls.length = 0;
    const status = await act();
    const byCommand: Record<string, number> = {};
    for (const c of calls) byCommand[c.command] = (byCommand[c.command] ?? 0) + 1;
    results.push({
      operation,
      status,
      calls: calls.length,
      byCommand,
      items: calls.reduce((n, c) => n + c.items, 0),
      budget,
      over: budget !== null && calls.length > budget,
    });
  };
  const http = async (method: string, path: string, body?: unknown, headers = auth) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  try {
    // Warm-up: one create so module-level caches (cursor key, first sequence item) behave as warm.
    const warm = await http('POST', '/tickets', { type: 'incident', title: 'warm-up' });
    let id = warm.json.id as string;
    await measure('POST /tickets (create)', 2, async () => {
      const r = await http('POST', '/tickets', {
        type: 'incident',
        title: 'round trips',
        impact: 2,
        urgency: 2,
      });
      id = r.json.id;
      return r.status;
    });
    await measure('GET /tickets/{id}', 1, async () => (await http('GET', `/tickets/${id}`)).status);
    await measure(
      'GET /tickets?limit=25 (1 page)',
      1,
      async () => (await http('GET', '/tickets?limit=25')).status,
    );
    await measure(
      'PATCH /tickets/{id} (priority)',
      1,
      async () => (await http('PATCH', `/tickets/${id}`, { impact: 1 })).status,
    );
    await measure(
      'POST /tickets/{id}/comments',
      2,
      async () =>
        (await http('POST', `/tickets/${id}/comments`, { body: 'Looking into it.', visibility: 'public' }))
          .status,
    );
    await measure('GET /groups/{id}', 1, async () => (await http('GET', '/groups/service-desk')).status);
    // Email ingest: one plain mail, counted from SMTP send until the stream queue drains (includes
    // the notifier's acknowledgement work, which shares the client).
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: runtime.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await measure('email ingest (new ticket, incl. notifier)', null, async () => {
        await transport.sendMail({
          from: 'Rita Requester <rita@example.com>',
          to: 'support@opsdesk.local',
          subject: 'Printer on floor 3 jams',
          text: 'It jams on every page.',
        });
        await runtime.flushEvents(5_000);
        return 250;
      });
    } finally {
      transport.close();
    }
  } finally {
    dynamo.send = original;
    await runtime.stop();
  }
  return results;
}

export function printRoundTrips(results: RoundTripResult[]): void {
  console.log('\nDynamoDB round trips per operation (calls on the shared document client; warm handlers)\n');
  console.log('| operation | HTTP | calls | budget | by command | items |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const by = Object.entries(r.byCommand)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ');
    const budget = r.budget === null ? '–' : `≤ ${r.budget}${r.over ? ' **over**' : ''}`;
    console.log(`| ${r.operation} | ${r.status} | ${r.calls} | ${budget} | ${by} | ${r.items} |`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchRoundTrips();
  printRoundTrips(results);
  await writeFile('bench/results/round-trips.json', `${JSON.stringify(results, null, 2)}\n`);
}
