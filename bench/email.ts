/**
 * Email ingestion through SMTP (issue 8 §4, issue 14 item 8): nodemailer → the local SMTP listener →
 * raw-mail object → the ingest handler → tickets. The listener answers 250 only after the ingest
 * handler returned, so mails/s from first send to last reply is ingest throughput; "with notifier"
 * also waits for the stream-driven acknowledgement mails to drain. Mix: 1/3 plain, 1/3 HTML, 1/3
 * with a 20 KB attachment; every mail opens a ticket.
 *
 * DynamoDB calls are counted on the document client every handler shares (as bench/round-trips.ts
 * does): the stream publisher and the notifier behind it are tagged (AsyncLocalStorage), the rest
 * is the ingest path. Per mail: ingest calls, notifier calls, and, at concurrency 1 where one
 * mail's calls are alone on the client, its sequential round trips (calls that overlap are one).
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { defaultFunctions } from '../bin/local/default-functions.js';
import { startLocalRuntime } from '../bin/local/runtime.js';
import { progress } from './progress.js';
import { sequentialRoundTrips } from './support/dynamo-calls.js';

const MAILS = Number(process.env.BENCH_MAILS ?? 64);
const CONCURRENCY = [1, 4, 16];
const DEADLINE_MS = 120_000;

export interface EmailResult {
  concurrency: number;
  mails: number;
  accepted: number;
  mailsPerSecond: number;
  withNotifierPerSecond: number;
  p50: number;
  p99: number;
  /** DynamoDB calls per mail on the ingest path (claim to done). */
  ingestCallsPerMail: number;
  /** DynamoDB calls per mail of the stream publisher and the notifier (the acknowledgement). */
  notifierCallsPerMail: number;
  /** Median sequential round trips of one mail's ingest (concurrency 1 only; null otherwise). */
  ingestRoundTrips: number | null;
}

interface TimedCall {
  readonly stream: boolean;
  readonly start: number;
  readonly end: number;
}

const attachment = Buffer.alloc(20 * 1024, 7);

function mail(i: number, run: number): Mail.Options {
  const from = `User ${i} <user${run}-${i}@example.com>`;
  const subject = `Bench mail ${run}-${i}: laptop will not boot`;
  const messageId = `<bench-${run}-${i}-${Date.now()}@mail.example>`;
  switch (i % 3) {
    case 0:
      return { from, subject, messageId, text: 'My laptop shows a black screen after the update.\nThanks' };
    case 1:
      return {
        from,
        subject,
        messageId,
        html: '<html><body><p>Hello,</p><p>My laptop shows a <b>black screen</b> after the update.</p><table><tr><td>Model</td><td>X1</td></tr></table><p>Regards</p></body></html>',
        text: 'Hello, my laptop shows a black screen after the update.',
      };
    default:
      return {
        from,
        subject,
        messageId,
        text: 'Screenshot attached.',
        attachments: [{ filename: 'screen.png', content: attachment, contentType: 'image/png' }],
      };
  }
}

export async function benchEmail(): Promise<EmailResult[]> {
  const tag = new AsyncLocalStorage<'stream'>();
  const runtime = await startLocalRuntime({
    port: 0,
    quiet: true,
    slaSweepMs: 0,
    smtpPort: 0,
    functions: {
      streamPublisher: (deps) => {
        const handler = defaultFunctions.streamPublisher(deps);
        return (event) => tag.run('stream', () => handler(event));
      },
    },
  });
  const calls: TimedCall[] = [];
  const dynamo = runtime.deps.dynamo as unknown as { send: (...args: unknown[]) => Promise<unknown> };
  const send = dynamo.send.bind(dynamo);
  dynamo.send = async (...args) => {
    const start = performance.now();
    try {
      return await send(...args);
    } finally {
      calls.push({ stream: tag.getStore() === 'stream', start, end: performance.now() });
    }
  };
  const results: EmailResult[] = [];
  try {
    for (const [run, concurrency] of CONCURRENCY.entries()) {
      progress(`mail: up to ${MAILS} mails over ${concurrency} SMTP connection(s)`);
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: runtime.smtpPort,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: concurrency,
        maxMessages: MAILS,
      });
      try {
        await runtime.flushEvents(30_000);
        calls.length = 0;
        const windows: { start: number; end: number }[] = [];
        const latencies: number[] = [];
        let accepted = 0;
        let next = 0;
        const started = performance.now();
        const worker = async () => {
          while (next < MAILS && performance.now() - started < DEADLINE_MS) {
            const i = next++;
            const t0 = performance.now();
            try {
              const info = await transport.sendMail({ to: 'support@opsdesk.local', ...mail(i, run) });
              if (/^250 /.test(info.response)) accepted++;
            } catch {
              // counted as not accepted
            }
            const t1 = performance.now();
            latencies.push(t1 - t0);
            windows.push({ start: t0, end: t1 });
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        const ingested = (performance.now() - started) / 1000;
        await runtime.flushEvents(30_000);
        const drained = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        const at = (q: number) =>
          Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
        const ingest = calls.filter((call) => !call.stream);
        const perMail = (n: number) => Math.round((n / latencies.length) * 10) / 10;
        const trips = windows
          .map((w) => sequentialRoundTrips(ingest.filter((c) => c.start >= w.start && c.end <= w.end)))
          .sort((a, b) => a - b);
        results.push({
          concurrency,
          mails: latencies.length,
          accepted,
          mailsPerSecond: Math.round((latencies.length / ingested) * 10) / 10,
          withNotifierPerSecond: Math.round((latencies.length / drained) * 10) / 10,
          p50: at(0.5),
          p99: at(0.99),
          ingestCallsPerMail: perMail(ingest.length),
          notifierCallsPerMail: perMail(calls.length - ingest.length),
          ingestRoundTrips: concurrency === 1 ? (trips[Math.floor(trips.length / 2)] ?? 0) : null,
        });
      } finally {
        transport.close();
      }
    }
  } finally {
    await runtime.stop();
  }
  return results;
}

export function printEmail(results: EmailResult[]): void {
  console.log(
    '\nEmail ingestion over SMTP (local runtime; new tickets, mix plain / HTML / 20 KB attachment; DynamoDB calls per mail)\n',
  );
  console.log(
    '| concurrency | mails | accepted | mails/s (ingest) | mails/s (incl. notifier) | p50 ms | p99 ms | ingest calls/mail | ingest round trips | notifier calls/mail |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.concurrency} | ${r.mails} | ${r.accepted} | ${r.mailsPerSecond} | ${r.withNotifierPerSecond} | ${r.p50} | ${r.p99} | ${r.ingestCallsPerMail} | ${r.ingestRoundTrips ?? '–'} | ${r.notifierCallsPerMail} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchEmail();
  printEmail(results);
  await writeFile('bench/results/email.json', `${JSON.stringify(results, null, 2)}\n`);
}
