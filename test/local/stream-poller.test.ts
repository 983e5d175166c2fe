import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { localStreamsClient } from '../../bin/local/aws-clients.js';
import type { Logger } from '../../bin/local/log.js';
import { fileCheckpointStore } from '../../bin/local/stream-checkpoints.js';
import { type StreamPoller, startStreamPoller } from '../../bin/local/stream-poller.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

const silent: Logger = { info: () => undefined, error: () => undefined };

interface Harness {
  table: TestTable;
  delivered: DynamoDBRecord[];
  calls: number;
  poller?: StreamPoller;
  start(handler?: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>): void;
  put(id: string, extra?: Record<string, unknown>): Promise<void>;
}

async function harness(): Promise<Harness> {
  const table = await createTestTable('stream');
  const streams = localStreamsClient(table.endpoint);
  const h: Harness = {
    table,
    delivered: [],
    calls: 0,
    start(handler) {
      h.poller = startStreamPoller({
        dynamo: table.client,
        streams,
        tableName: table.tableName,
        log: silent,
        pollMs: 20,
        handler: async (event) => {
          h.calls += 1;
          const response = handler ? await handler(event) : undefined;
          const failed = new Set(response?.batchItemFailures.map((f) => f.itemIdentifier));
          const firstFailed = event.Records.findIndex((r) => failed.has(r.dynamodb!.SequenceNumber!));
          h.delivered.push(...(firstFailed === -1 ? event.Records : event.Records.slice(0, firstFailed)));
          return response;
        },
      });
    },
    async put(id, extra = {}) {
      await table.dynamo.send(
        new PutCommand({ TableName: table.tableName, Item: { PK: `T#${id}`, SK: 'A', id, ...extra } }),
      );
    },
  };
  return h;
}

const ids = (records: DynamoDBRecord[]) => records.map((r) => r.dynamodb?.Keys?.PK?.S);

describe('stream poller (local event source mapping)', () => {
  const harnesses: Harness[] = [];
  async function make(): Promise<Harness> {
    const h = await harness();
    harnesses.push(h);
    return h;
  }
  afterAll(async () => {
    for (const h of harnesses) {
      await h.poller?.stop();
      await h.table.drop();
    }
  });

  it('delivers records written before it started and after, in the Lambda event shape', async () => {
    const h = await make();
    await h.put('before', { blob: new Uint8Array([1, 2, 3]), n: 7 });
    h.start();
    await h.poller!.drain();
    await h.put('after');
    await vi.waitFor(() => expect(ids(h.delivered)).toEqual(['T#before', 'T#after']), { timeout: 5_000 });

    const first = h.delivered[0]!;
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: expect.any(String),
      awsRegion: expect.any(String),
      dynamodb: {
        Keys: { PK: { S: 'T#before' }, SK: { S: 'A' } },
        NewImage: { PK: { S: 'T#before' }, id: { S: 'before' }, n: { N: '7' }, blob: { B: 'AQID' } },
        SequenceNumber: expect.any(String),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(first.eventID).toEqual(expect.any(String));
    expect(first.eventSourceARN).toContain(h.table.tableName);
    expect(first.dynamodb?.ApproximateCreationDateTime).toEqual(expect.any(Number));
  });

  it('delivers MODIFY and REMOVE with old images', async () => {
    const h = await make();
    h.start();
    await h.put('x', { v: 1 });
    await h.table.dynamo.send(
      new UpdateCommand({
        TableName: h.table.tableName,
        Key: { PK: 'T#x', SK: 'A' },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    await h.table.dynamo.send(
      new DeleteCommand({ TableName: h.table.tableName, Key: { PK: 'T#x', SK: 'A' } }),
    );
    await vi.waitFor(
      () => expect(h.delivered.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']),
      {
        timeout: 5_000,
      },
    );
    expect(h.delivered[1]?.dynamodb).toMatchObject({
      OldImage: { v: { N: '1' } },
      NewImage: { v: { N: '2' } },
    });
    expect(h.delivered[2]?.dynamodb?.OldImage).toMatchObject({ v: { N: '2' } });
    expect(h.delivered[2]?.dynamodb?.NewImage).toBeUndefined();
  });

  it('retries a batch whose handler threw, losing nothing', async () => {
    const h = await make();
    await h.put('a');
    await h.put('b');
    let failures = 2;
    h.start(async () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('bus down');
      }
      return { batchItemFailures: [] };
    });
    await vi.waitFor(() => expect(ids(h.delivered)).toEqual(['T#a', 'T#b']), { timeout: 10_000 });
    expect(h.calls).toBeGreaterThanOrEqual(3);
  });

  it('retries from the first reported batch item failure only', async () => {
    const h = await make();
    await h.put('1');
    await h.put('2');
    await h.put('3');
    let failOnce = true;
    h.start(async (event) => {
      const second = event.Records.find((r) => r.dynamodb?.Keys?.PK?.S === 'T#2');
      if (failOnce && second) {
        failOnce = false;
        return { batchItemFailures: [{ itemIdentifier: second.dynamodb!.SequenceNumber! }] };
      }
      return { batchItemFailures: [] };
    });
    await vi.waitFor(() => expect(ids(h.delivered)).toEqual(['T#1', 'T#2', 'T#3']), { timeout: 10_000 });
  });

  it('stops cleanly: nothing is delivered after stop()', async () => {
    const h = await make();
    h.start();
    await h.poller!.drain();
    await h.poller!.stop();
    await h.poller!.stop(); // idempotent
    await h.put('late');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.delivered).toEqual([]);
  });
});

describe('stream poller checkpoints', () => {
  it('resumes after the last delivered record when restarted with a checkpoint store', async () => {
    const table = await createTestTable('ckpt');
    const streams = localStreamsClient(table.endpoint);
    const dir = await mkdtemp(join(tmpdir(), 'opsdesk-ckpt-'));
    const checkpoints = fileCheckpointStore(join(dir, 'checkpoints.json'));
    const put = (id: string) =>
      table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { PK: `T#${id}`, SK: 'A' } }));
    const run = async () => {
      const seen: DynamoDBRecord[] = [];
      const poller = startStreamPoller({
        dynamo: table.client,
        streams,
        tableName: table.tableName,
        log: silent,
        pollMs: 20,
        checkpoints,
        handler: async (event) => {
          seen.push(...event.Records);
          return { batchItemFailures: [] };
        },
      });
      await poller.drain();
      await poller.stop();
      return ids(seen);
    };
    try {
      await put('1');
      expect(await run()).toEqual(['T#1']);
      await put('2');
      expect(await run()).toEqual(['T#2']);
    } finally {
      await table.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
