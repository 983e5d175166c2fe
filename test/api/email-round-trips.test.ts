import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFunctions } from '../../bin/local/default-functions.js';
import { type LocalRuntime, startTestRuntime } from '../support/runtime.js';
import { outboxFor, smtpClient } from './email-support.js';

/**
 * DynamoDB work on the ingest path of one mail (issue 14 item 8), counted on the document client
 * every local handler shares: calls, and sequential round trips (calls that overlap in time are
 * one round trip). The stream publisher and the notifier behind it are tagged and left out: they
 * run after the mail is taken, on their own invocation.
 */
interface Call {
  readonly command: string;
  readonly start: number;
  readonly end: number;
}

/** The longest chain of calls each of which started after the one before it had answered. */
function roundTrips(calls: readonly Call[]): number {
  const depth = new Map<Call, number>();
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  for (const call of sorted) {
    const before = sorted.filter((other) => other.end <= call.start).map((other) => depth.get(other) ?? 0);
    depth.set(call, 1 + Math.max(0, ...before));
  }
  return Math.max(0, ...depth.values());
}

function tally(calls: readonly Call[]): Record<string, number> {
  const by: Record<string, number> = {};
  for (const call of calls) by[call.command] = (by[call.command] ?? 0) + 1;
  return by;
}

describe('email ingest: DynamoDB round trips per mail', () => {
  let rt: LocalRuntime;
  let smtp: ReturnType<typeof smtpClient>;
  const source = new AsyncLocalStorage<'stream'>();
  const calls: Call[] = [];

  beforeAll(async () => {
    rt = await startTestRuntime({
      functions: {
        streamPublisher: (deps) => {
          const handler = defaultFunctions.streamPublisher(deps);
          return (event) => source.run('stream', () => handler(event));
        },
      },
    });
    smtp = smtpClient(rt);
    const dynamo = rt.deps.dynamo as unknown as {
      send: (command: { constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown>;
    };
    const send = dynamo.send.bind(dynamo);
    dynamo.send = async (command, ...rest) => {
      const start = performance.now();
      try {
        return await send(command, ...rest);
      } finally {
        if (source.getStore() !== 'stream') {
          calls.push({
            command: command.constructor.name.replace(/Command$/, ''),
            start,
            end: performance.now(),
          });
        }
      }
    };
    // Warm: the first mail reads the default group and the SLA configuration, which containers keep.
    await smtp.send({ from: 'warm@example.com', subject: 'Warm-up', text: 'x' });
    await rt.flushEvents();
  });
  afterAll(async () => {
    smtp?.close();
    await rt?.stop();
  });

  async function measured(mail: Parameters<ReturnType<typeof smtpClient>['send']>[0]) {
    await rt.flushEvents();
    calls.length = 0;
    expect(await smtp.send(mail)).toMatch(/^250 /);
    const taken = [...calls];
    await rt.flushEvents();
    return { calls: taken.length, roundTrips: roundTrips(taken), byCommand: tally(taken) };
  }

  it('a new-ticket mail: at most 6 sequential round trips; every write but the claim and its completion in one transaction', async () => {
    const cost = await measured({
      from: 'Rita Requester <rita@example.com>',
      subject: 'Printer on floor 3 jams',
      text: 'It jams on every page.',
      messageId: '<rt-new@example.com>',
      attachments: [{ filename: 'jam.png', content: Buffer.from('PNG'), contentType: 'image/png' }],
    });
    console.info(`new-ticket mail: ${JSON.stringify(cost)}`);
    expect(cost.roundTrips).toBeLessThanOrEqual(6);
    expect(cost.calls).toBeLessThanOrEqual(6);
    // The claim (Put), the sender looked up with it (Get), the ticket number (Update), the ticket
    // with its history, thread, sender, file record and the claim's note (TransactWrite), done (Update).
    expect(cost.byCommand).toEqual({ Put: 1, Get: 1, Update: 2, TransactWrite: 1 });
    await rt.flushEvents();
    expect(outboxFor(rt, 'rita@example.com')).toHaveLength(1);
  });

  it('a reply to it: at most 4 sequential round trips', async () => {
    const listed = await fetch(`${rt.url}/tickets?limit=10`, {
      headers: { authorization: `Bearer ${rt.adminToken}` },
    }).then((res) => res.json() as Promise<{ items: { id: string; title: string }[] }>);
    const ticket = listed.items.find((t) => t.title === 'Printer on floor 3 jams')!;
    const bySubject = await measured({
      from: 'rita@example.com',
      subject: `Re: [${ticket.id}] Printer on floor 3 jams`,
      text: 'Still jamming.',
    });
    console.info(`reply by subject: ${JSON.stringify(bySubject)}`);
    expect(bySubject.roundTrips).toBeLessThanOrEqual(3);
    expect(bySubject.byCommand.TransactWrite).toBe(1);
    const byHeaders = await measured({
      from: 'rita@example.com',
      subject: 'about the printer',
      inReplyTo: '<rt-new@example.com>',
      text: 'And again.',
    });
    console.info(`reply by In-Reply-To: ${JSON.stringify(byHeaders)}`);
    expect(byHeaders.roundTrips).toBeLessThanOrEqual(4);
  });
});
