import {
  type AttributeValue,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as StreamsAttributeValue,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { localStreamsClient } from '../../bin/local/aws-clients.js';
import {
  rawRecordJson,
  toLambdaAttributeValue,
  toLambdaImage,
  toLambdaStreamRecord,
  UnconvertibleRecordError,
} from '../../bin/local/stream-records.js';
import type { DomainEvent } from '../../functions/shared/outbox/event-bus.js';
import { createStreamPublisherHandler, eventsOf } from '../../functions/shared/outbox/stream-publisher.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

// The stream-record converter must be total over what DynamoDB and DynamoDB Local (through
// @aws-sdk/client-dynamodb-streams) hand over: one odd attribute (an SLA policy stored without
// `match`, i.e. an empty map) used to throw for the whole batch, forever.

const bytes = (...values: number[]) => new Uint8Array(values);
const attr = (value: unknown) => value as StreamsAttributeValue;

describe('stream record converter: every attribute shape', () => {
  it.each([
    ['string', { S: 'x' }, { S: 'x' }],
    ['empty string', { S: '' }, { S: '' }],
    ['number', { N: '-1.5e3' }, { N: '-1.5e3' }],
    ['BOOL true', { BOOL: true }, { BOOL: true }],
    ['BOOL false', { BOOL: false }, { BOOL: false }],
    ['NULL', { NULL: true }, { NULL: true }],
    ['binary', { B: bytes(1, 2, 3) }, { B: 'AQID' }],
    ['empty binary', { B: bytes() }, { B: '' }],
    ['binary kept as a base64 string', { B: 'AQID' }, { B: 'AQID' }],
    ['string set', { SS: ['a', 'b'] }, { SS: ['a', 'b'] }],
    ['number set', { NS: ['1', '2.5'] }, { NS: ['1', '2.5'] }],
    ['binary set', { BS: [bytes(1), bytes(255)] }, { BS: ['AQ==', '/w=='] }],
    ['empty list', { L: [] }, { L: [] }],
    ['empty map', { M: {} }, { M: {} }],
    // DynamoDB Local's stream writes an empty map as `{}`: no member at all (see below).
    ['empty map as DynamoDB Local streams it', {}, { M: {} }],
    ['a member set to undefined only', { S: undefined }, { M: {} }],
    [
      'nested maps and lists, with empty ones at every depth',
      { M: { a: { L: [{}, { L: [] }, { M: { x: {}, y: { L: [{ BOOL: false }, { NULL: true }] } } }] } } },
      {
        M: {
          a: {
            L: [{ M: {} }, { L: [] }, { M: { x: { M: {} }, y: { L: [{ BOOL: false }, { NULL: true }] } } }],
          },
        },
      },
    ],
    // A type newer than the SDK: passed on as the wire JSON Lambda itself would deliver.
    ['a member the SDK does not know', { $unknown: ['V', { some: 'thing' }] }, { V: { some: 'thing' } }],
  ])('%s', (_name, value, expected) => {
    expect(toLambdaAttributeValue(attr(value))).toEqual(expected);
  });

  it.each([
    ['null', null, 'attribute NewImage.x is not an attribute value: null'],
    ['a string', 'text', 'attribute NewImage.x is not an attribute value: text'],
    ['an array', [], 'attribute NewImage.x is not an attribute value'],
    ['several members', { S: 'a', N: '1' }, 'attribute NewImage.x has several types: ["S","N"]'],
    ['one unknown member without $unknown', { Q: 1 }, 'attribute NewImage.x has an unknown type: ["Q"]'],
  ])('refuses %s, for that record only, naming the attribute', (_name, value, message) => {
    expect(() => toLambdaImage({ x: attr(value) }, 'NewImage')).toThrow(UnconvertibleRecordError);
    expect(() => toLambdaImage({ x: attr(value) }, 'NewImage')).toThrow(message);
  });

  it('names nested attributes by their path', () => {
    const image = { match: attr({ M: { list: { L: [{ S: 'a' }, null] } } }) };
    expect(() => toLambdaImage(image, 'NewImage')).toThrow('attribute NewImage.match.list[1] is not');
  });

  it('turns a record with every shape into the Lambda shape, unmarshalling as the item was written', () => {
    const record: _Record = {
      eventID: 'e1',
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-23T10:00:00.500Z'),
        Keys: { PK: { S: 'SLA#x' }, SK: { S: 'POLICY' } },
        NewImage: {
          PK: { S: 'SLA#x' },
          SK: { S: 'POLICY' },
          match: attr({}),
          tags: { SS: ['a'] },
          scores: { NS: ['1', '2'] },
          blobs: { BS: [bytes(1)] },
          blob: { B: bytes(1, 2) },
          empty: { S: '' },
          off: { BOOL: false },
          none: { NULL: true },
          list: { L: [attr({}), { L: [] }] },
        },
        SequenceNumber: '100',
        SizeBytes: 10,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    const lambda = toLambdaStreamRecord(record, 'arn:stream');
    expect(lambda).toMatchObject({
      eventID: 'e1',
      eventSourceARN: 'arn:stream',
      dynamodb: { ApproximateCreationDateTime: 1795428000, SequenceNumber: '100' },
    });
    expect(unmarshall(lambda.dynamodb!.NewImage as never)).toEqual({
      PK: 'SLA#x',
      SK: 'POLICY',
      match: {},
      tags: new Set(['a']),
      scores: new Set([1, 2]),
      blobs: new Set(['AQ==']),
      blob: 'AQI=',
      empty: '',
      off: false,
      none: null,
      list: [{}, []],
    });
  });

  it('keeps a refused record as JSON for its dead letter', () => {
    const record: _Record = {
      eventID: 'e2',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-23T10:00:00.000Z'),
        NewImage: { b: { B: bytes(1) }, bad: attr(null) },
        SequenceNumber: '7',
      },
    };
    expect(() => toLambdaStreamRecord(record, 'arn')).toThrow(UnconvertibleRecordError);
    expect(rawRecordJson(record)).toEqual({
      eventID: 'e2',
      dynamodb: {
        ApproximateCreationDateTime: '2026-11-23T10:00:00.000Z',
        NewImage: { b: { B: { $base64: 'AQ==' } }, bad: null },
        SequenceNumber: '7',
      },
    });
  });
});

describe('stream publisher: odd images', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const history = (newImage: Record<string, unknown>, sequence = '1'): DynamoDBRecord => ({
    eventID: `e${sequence}`,
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: sequence,
      NewImage: {
        PK: { S: 'TICKET#INC-000001' },
        SK: { S: 'HISTORY#2026-11-23T10:00:00.000Z#01J' },
        id: { S: '01J' },
        recordId: { S: 'INC-000001' },
        at: { S: '2026-11-23T10:00:00.000Z' },
        actor: { M: { id: { S: 'ann' }, name: { NULL: true } } },
        ...newImage,
      } as never,
    },
  });

  it('ignores items that are not history entries without reading their attributes', () => {
    const record: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '1',
        // An attribute no unmarshall understands: it must not matter on a non-history item.
        NewImage: { PK: { S: 'SLA#x' }, SK: { S: 'POLICY' }, odd: { V: 1 } as never, match: { M: {} } },
      },
    };
    expect(eventsOf(record)).toEqual([]);
  });

  it('publishes the events of a history entry with empty maps, lists and strings in their details', () => {
    const [event, ...others] = eventsOf(
      history({
        events: {
          L: [
            {
              M: {
                detailType: { S: 'SLA Policy Updated' },
                detail: { M: { policyId: { S: 'x' }, match: { M: {} }, tags: { L: [] }, note: { S: '' } } },
              },
            },
          ],
        },
      }),
    );
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      detailType: 'SLA Policy Updated',
      detail: { eventId: '01J', policyId: 'x', match: {}, tags: [], note: '' },
    });
  });

  it('reads large numbers as numbers, so the event can be serialised', () => {
    const [event] = eventsOf(
      history({
        events: {
          L: [
            {
              M: {
                detailType: { S: 'Ticket Updated' },
                detail: { M: { big: { N: '100000000000000000000' } } },
              },
            },
          ],
        },
      }),
    );
    expect(event?.detail).toMatchObject({ big: 1e20 });
    expect(() => JSON.stringify(event)).not.toThrow();
  });

  it('reports a history entry it cannot read as a batch item failure, publishing what came before', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT'); // the publisher logs the failure; not news here
    const published: DomainEvent[][] = [];
    const handler = createStreamPublisherHandler({
      bus: { publish: async (events) => void published.push([...events]) },
    });
    const good = history(
      { events: { L: [{ M: { detailType: { S: 'Ticket Created' }, detail: { M: {} } } }] } },
      '1',
    );
    const unreadable = history({ events: { L: [{ V: 'from the future' }] } as never }, '2');
    const after = history({ events: { L: [] } }, '3');
    expect(() => eventsOf(unreadable)).toThrow();
    const response = await handler({ Records: [good, unreadable, after] });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(published.map((events) => events.map((e) => e.detailType))).toEqual([['Ticket Created']]);
  });
});

describe("DynamoDB Local's stream (reproduction)", () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable('shapes');
  });
  afterAll(() => table?.drop());

  const ODD_SHAPES: Record<string, AttributeValue> = {
    PK: { S: 'SLA#x' },
    SK: { S: 'POLICY' },
    match: { M: {} },
    emptyList: { L: [] },
    emptyString: { S: '' },
    off: { BOOL: false },
    none: { NULL: true },
    blob: { B: bytes(1, 2, 3) },
    emptyBlob: { B: bytes() },
    strings: { SS: ['a', 'b'] },
    numbers: { NS: ['1', '2.5'] },
    blobs: { BS: [bytes(9)] },
    nested: { M: { list: { L: [{ M: {} }, { L: [] }, { M: { inner: { M: {} } } }] } } },
  };

  it('hands an empty map over as {}, and the converter gives back exactly what the table holds', async () => {
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: ODD_SHAPES }));
    const streams = localStreamsClient(table.endpoint);
    const arn = (await table.client.send(new DescribeTableCommand({ TableName: table.tableName }))).Table!
      .LatestStreamArn!;
    const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!
      .Shards![0]!;
    const iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator!;
    const [record] = (await streams.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records!;
    streams.destroy();
    const raw = record!.dynamodb!.NewImage!;

    // What the SDK hands over: DynamoDB Local's stream sends `{}` on the wire for an empty map
    // (its GetItem sends `{"M":{}}`), at any depth; the SDK passes it on without any member.
    expect(raw.match).toEqual({});
    expect(Object.keys(raw.match!)).toEqual([]);
    expect(raw.nested).toEqual({ M: { list: { L: [{}, { L: [] }, { M: { inner: {} } }] } } });
    expect(raw.emptyList).toEqual({ L: [] });
    expect(raw.off).toEqual({ BOOL: false });
    expect(raw.emptyString).toEqual({ S: '' });

    const stored = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { PK: ODD_SHAPES.PK!, SK: ODD_SHAPES.SK! } }),
    );
    const lambda = toLambdaStreamRecord(record!, arn);
    expect(lambda.dynamodb?.NewImage).toEqual(
      toLambdaImage(stored.Item as Record<string, StreamsAttributeValue>),
    );
    expect(lambda.dynamodb?.NewImage).toMatchObject({
      match: { M: {} },
      blob: { B: 'AQID' },
      emptyBlob: { B: '' },
      blobs: { BS: ['CQ=='] },
      nested: { M: { list: { L: [{ M: {} }, { L: [] }, { M: { inner: { M: {} } } }] } } },
    });
  });
});
