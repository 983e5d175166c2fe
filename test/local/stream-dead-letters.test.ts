import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { localStreamsClient } from '../../bin/local/aws-clients.js';
import type { Logger } from '../../bin/local/log.js';
import {
  type StreamPoller,
  type StreamPollerOptions,
  startStreamPoller,
} from '../../bin/local/stream-poller.js';
import type { DomainEvent } from '../../functions/shared/outbox/event-bus.js';
import { createStreamPublisherHandler } from '../../functions/shared/outbox/stream-publisher.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';
import { api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// A poison record must not block its shard: after the retry budget (and bisection) it is
// dead-lettered and the records after it are delivered, while a transient failure is retried.

type Handler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

interface Harness {
  table: TestTable;
  /** Records the handler accepted, in order. */
  delivered: DynamoDBRecord[];
  /** Every handler call's record keys. */
  calls: string[][];
  errors: string[];
  poller?: StreamPoller;
  start(handler: Handler, options?: Partial<StreamPollerOptions>): StreamPoller;
  put(id: string, extra?: Record<string, AttributeValue>): Promise<void>;
}

const pk = (record: DynamoDBRecord) => record.dynamodb?.Keys?.PK?.S ?? '?';

const harnesses: Harness[] = [];

async function harness(): Promise<Harness> {
  const table = await createTestTable('dlq');
  const h: Harness = {
    table,
    delivered: [],
    calls: [],
    errors: [],
    start(handler, options = {}) {
      const log: Logger = { info: () => undefined, error: (message) => void h.errors.push(message) };
      h.poller = startStreamPoller({
        dynamo: table.client,
        streams: localStreamsClient(table.endpoint),
        tableName: table.tableName,
        log,
        // Long enough that drain() runs the cycles: the timer would back off between failures.
        pollMs: 60_000,
        ...options,
        handler: async (event) => {
          h.calls.push(event.Records.map(pk));
          const response = await handler(event);
          const failed = new Set(response?.batchItemFailures.map((f) => f.itemIdentifier));
          const firstFailed = event.Records.findIndex((r) => failed.has(r.dynamodb!.SequenceNumber!));
          h.delivered.push(...(firstFailed === -1 ? event.Records : event.Records.slice(0, firstFailed)));
          return response;
        },
      });
      return h.poller;
    },
    async put(id, extra = {}) {
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: { PK: { S: `T#${id}` }, SK: { S: 'A' }, ...extra },
        }),
      );
    },
  };
  harnesses.push(h);
  return h;
}

/** A history entry (the outbox) whose one event carries `detail`. */
const historyEntry = (id: string, detailType: string, detail: Record<string, AttributeValue> = {}) => ({
  PK: { S: `TICKET#${id}` },
  SK: { S: `HISTORY#2026-11-23T10:00:00.000Z#${id}` },
  id: { S: `h-${id}` },
  recordId: { S: id },
  at: { S: '2026-11-23T10:00:00.000Z' },
  actor: { M: { id: { S: 'ann' }, name: { NULL: true } } },
  changes: { L: [] },
  events: {
    L: [{ M: { detailType: { S: detailType }, detail: { M: { ticketId: { S: id }, ...detail } } } }],
  },
});

afterAll(async () => {
  for (const h of harnesses) {
    await h.poller?.stop();
    await h.table.drop();
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('stream poller with odd attribute shapes', () => {
  it('keeps publishing after an item with an empty map and every other odd shape', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const h = await harness();
    const published: DomainEvent[] = [];
    const poller = h.start(
      createStreamPublisherHandler({ bus: { publish: async (events) => void published.push(...events) } }),
    );
    const put = (item: Record<string, AttributeValue>) =>
      h.table.client.send(new PutItemCommand({ TableName: h.table.tableName, Item: item }));

    await put(historyEntry('INC-000001', 'Ticket Created'));
    // PUT /sla-policies/x without `match` stores an empty map.
    await put({ PK: { S: 'SLA#x' }, SK: { S: 'POLICY' }, match: { M: {} }, order: { N: '1' } });
    await put({
      PK: { S: 'ODD#1' },
      SK: { S: 'A' },
      emptyList: { L: [] },
      emptyString: { S: '' },
      off: { BOOL: false },
      none: { NULL: true },
      blob: { B: new Uint8Array([1, 2]) },
      emptyBlob: { B: new Uint8Array() },
      strings: { SS: ['a'] },
      numbers: { NS: ['1'] },
      blobs: { BS: [new Uint8Array([3])] },
      nested: { M: { l: { L: [{ M: {} }, { L: [] }, { M: { m: { M: {} } } }] } } },
    });
    // An outbox entry whose event detail itself holds an empty map and an empty list.
    await put(historyEntry('INC-000002', 'SLA Policy Updated', { match: { M: {} }, tags: { L: [] } }));
    await poller.drain();
    await put(historyEntry('INC-000003', 'Ticket Created'));
    await poller.drain();

    expect(published.map((e) => [e.detailType, e.detail.ticketId])).toEqual([
      ['Ticket Created', 'INC-000001'],
      ['SLA Policy Updated', 'INC-000002'],
      ['Ticket Created', 'INC-000003'],
    ]);
    expect(published[1]?.detail).toMatchObject({ match: {}, tags: [] });
    expect(h.delivered.map(pk)).toEqual([
      'TICKET#INC-000001',
      'SLA#x',
      'ODD#1',
      'TICKET#INC-000002',
      'TICKET#INC-000003',
    ]);
    expect(h.delivered[1]?.dynamodb?.NewImage?.match).toEqual({ M: {} });
    expect(poller.deadLetters()).toEqual([]);
    expect(h.errors).toEqual([]);
  });
});

describe('stream poller dead letters (the local on-failure destination)', () => {
  it('dead-letters a record the handler always reports, after 10 retries, then delivers the rest', async () => {
    const h = await harness();
    const dir = await mkdtemp(join(tmpdir(), 'opsdesk-dlq-'));
    const file = join(dir, 'dead-letters.jsonl');
    try {
      await h.put('a');
      await h.put('poison');
      await h.put('b');
      const poller = h.start(
        async (event) => ({
          batchItemFailures: event.Records.filter((r) => pk(r) === 'T#poison').map((r) => ({
            itemIdentifier: r.dynamodb!.SequenceNumber!,
          })),
        }),
        { deadLetterFile: file },
      );
      await poller.drain(20_000);
      await h.put('c');
      await poller.drain();

      expect(h.delivered.map(pk)).toEqual(['T#a', 'T#b', 'T#c']);
      // The first call (a, poison, b: a accepted), then maxRetryAttempts (10, as on AWS) retries.
      expect(h.calls.filter((keys) => keys.includes('T#poison'))).toEqual([
        ['T#a', 'T#poison', 'T#b'],
        ...Array.from({ length: 10 }, () => ['T#poison', 'T#b']),
      ]);

      const [letter, ...others] = poller.deadLetters();
      expect(others).toEqual([]);
      const poison = letter?.records[0];
      expect(letter).toMatchObject({
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
        DDBStreamBatchInfo: {
          streamArn: expect.stringContaining(h.table.tableName),
          shardId: expect.any(String),
          batchSize: 1,
        },
        records: [{ eventName: 'INSERT', dynamodb: { Keys: { PK: { S: 'T#poison' } } } }],
      });
      const { eventID, dynamodb } = poison as DynamoDBRecord;
      expect(letter?.DDBStreamBatchInfo.startSequenceNumber).toBe(dynamodb?.SequenceNumber);
      expect(letter?.DDBStreamBatchInfo.endSequenceNumber).toBe(dynamodb?.SequenceNumber);

      // The local alarm: one error line naming the record and where its dead letter is.
      const alarms = h.errors.filter((line) => line.includes('DEAD-LETTERED'));
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toContain(`eventID ${eventID}`);
      expect(alarms[0]).toContain(`sequence number ${dynamodb?.SequenceNumber}`);
      expect(alarms[0]).toContain(file);

      const lines = (await readFile(file, 'utf8')).trim().split('\n');
      expect(lines.map((line) => JSON.parse(line))).toEqual([letter]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('isolates a record the handler throws on by splitting the batch, then dead-letters only it', async () => {
    const h = await harness();
    for (const id of ['1', '2', '3', 'poison', '5', '6', '7']) await h.put(id);
    const poller = h.start(
      async (event) => {
        if (event.Records.some((r) => pk(r) === 'T#poison')) throw new Error('cannot handle this one');
        return { batchItemFailures: [] };
      },
      { maxRetryAttempts: 2 },
    );
    await poller.drain();

    expect(h.delivered.map(pk)).toEqual(['T#1', 'T#2', 'T#3', 'T#5', 'T#6', 'T#7']);
    // 7 → 4 → 2 → 1 by bisection (free), then the first attempt of the single record and 2 retries.
    expect(h.calls.filter((keys) => keys.includes('T#poison')).map((keys) => keys.length)).toEqual([
      7, 4, 2, 1, 1, 1,
    ]);
    expect(poller.deadLetters()).toMatchObject([
      {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        error: 'Error: cannot handle this one',
        DDBStreamBatchInfo: { batchSize: 1 },
        records: [{ dynamodb: { Keys: { PK: { S: 'T#poison' } } } }],
      },
    ]);
  });

  it('dead-letters the whole failing batch when bisection is off', async () => {
    const h = await harness();
    for (const id of ['1', '2']) await h.put(id);
    const poller = h.start(
      async () => {
        throw new Error('always');
      },
      { maxRetryAttempts: 1, bisectBatchOnError: false },
    );
    await poller.drain();
    expect(h.calls).toEqual([
      ['T#1', 'T#2'],
      ['T#1', 'T#2'],
    ]);
    expect(poller.deadLetters()).toMatchObject([{ DDBStreamBatchInfo: { batchSize: 2 }, records: [{}, {}] }]);
    await h.put('3');
    await poller.drain();
    expect(h.delivered.map(pk)).toEqual([]);
    expect(h.calls.at(-1)).toEqual(['T#3']);
  });

  it('retries a bus outage within the retry budget without dead-lettering anything', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const h = await harness();
    let outage = 10; // failed publishes: exactly the retry budget after the first attempt
    const published: DomainEvent[] = [];
    const poller = h.start(
      createStreamPublisherHandler({
        bus: {
          publish: async (events) => {
            if (outage > 0) {
              outage -= 1;
              throw new Error('EventBridge unavailable');
            }
            published.push(...events);
          },
        },
      }),
    );
    const put = (item: Record<string, AttributeValue>) =>
      h.table.client.send(new PutItemCommand({ TableName: h.table.tableName, Item: item }));
    await put(historyEntry('INC-000001', 'Ticket Created'));
    await put(historyEntry('INC-000002', 'Ticket Created'));
    await poller.drain(20_000);

    expect(published.map((e) => e.detail.ticketId)).toEqual(['INC-000001', 'INC-000002']);
    expect(poller.deadLetters()).toEqual([]);
    expect(h.errors.filter((line) => line.includes('will retry'))).toHaveLength(10);
  });

  it('dead-letters a record the converter refuses at once, without calling the handler with it', async () => {
    const h = await harness();
    const real = localStreamsClient(h.table.endpoint);
    // A record no DynamoDB sends: an attribute that is no attribute value at all.
    const corrupting = {
      send: async (command: Parameters<DynamoDBStreamsClient['send']>[0]) => {
        const out = await real.send(command as never);
        if (command instanceof GetRecordsCommand) {
          for (const record of (out as { Records?: { dynamodb?: { NewImage?: Record<string, unknown> } }[] })
            .Records ?? []) {
            const image = record.dynamodb?.NewImage;
            if (image && (image.PK as { S?: string }).S === 'T#bad') image.broken = null;
          }
        }
        return out;
      },
    } as unknown as DynamoDBStreamsClient;
    await h.put('1');
    await h.put('bad', { blob: { B: new Uint8Array([7]) } });
    await h.put('2');
    const poller = h.start(async () => ({ batchItemFailures: [] }), { streams: corrupting });
    await poller.drain();

    expect(h.delivered.map(pk)).toEqual(['T#1', 'T#2']);
    expect(h.calls.flat()).not.toContain('T#bad');
    const [letter] = poller.deadLetters();
    expect(letter).toMatchObject({
      condition: 'RecordNotConvertible',
      approximateInvokeCount: 0,
      error: 'UnconvertibleRecordError: attribute NewImage.broken is not an attribute value: null',
      DDBStreamBatchInfo: { batchSize: 1 },
      records: [{ dynamodb: { NewImage: { PK: { S: 'T#bad' }, blob: { B: { $base64: 'Bw==' } } } } }],
    });
    expect(h.errors.filter((line) => line.includes('DEAD-LETTERED'))).toHaveLength(1);
  });
});

describe('local runtime: an SLA policy without `match` (the hostile-client report)', () => {
  let rt: LocalRuntime | undefined;
  afterAll(() => rt?.stop());

  it('does not stop events: a ticket created afterwards still yields its Ticket Created event', async () => {
    rt = await startTestRuntime();
    const admin = api(rt, { token: rt.adminToken });
    const policy = await admin.request('PUT', '/sla-policies/x', {
      body: {
        name: 'No match',
        order: 50,
        calendarId: '24x7',
        targets: { firstResponse: 10, resolution: 60 },
      },
    });
    expect(policy.status).toBe(201);
    expect(policy.json.match).toEqual({});
    const agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    const ticket = await agent.request('POST', '/tickets', {
      body: { type: 'incident', title: 'after the policy', impact: 3, urgency: 3 },
    });
    expect(ticket.status).toBe(201);
    await rt.flushEvents();
    const created = (await admin.request('GET', '/_local/events?detailType=Ticket%20Created')).json.items;
    expect(created.map((e: { detail: { ticketId: string } }) => e.detail.ticketId)).toContain(ticket.json.id);
  });
});
