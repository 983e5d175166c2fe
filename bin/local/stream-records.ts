import type { _Record, AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';

/**
 * Stream records as the DynamoDB Streams API returns them through the SDK, turned into the JSON
 * shape Lambda's event source mapping delivers: binary values as base64 strings, the creation
 * time as epoch seconds, and the stream ARN as eventSourceARN.
 *
 * Every attribute shape is converted, including the ones the SDK hands over oddly:
 * - An empty map arrives as `{}` (no member at all): DynamoDB Local's stream writes an empty map
 *   as `{}` on the wire where DynamoDB (and DynamoDB Local's own GetItem) write `{"M":{}}`, and
 *   the SDK passes it on as is. A value without any member can only be that, so it becomes
 *   `{ M: {} }`, at any depth.
 * - A member the SDK does not know (a type newer than the SDK) arrives as `{ $unknown: [name,
 *   value] }`; it is passed on as `{ [name]: value }`, the wire JSON Lambda itself would deliver.
 *   Whether the handler can use it is the handler's business.
 * What is left (not an object, several members at once) is no DynamoDB value at all: that throws
 * an UnconvertibleRecordError naming the attribute, for the one record; the poller dead-letters
 * that record instead of failing its whole batch.
 */
type StreamImage = Record<string, StreamsAttributeValue>;

/** A stream record this module cannot turn into Lambda's shape: retrying cannot change that. */
export class UnconvertibleRecordError extends Error {
  override readonly name = 'UnconvertibleRecordError';
}

function toBase64(bytes: Uint8Array | string): string {
  // Already base64 when a serializer kept the wire string.
  return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64');
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(Object.keys(value));
}

export function toLambdaAttributeValue(value: StreamsAttributeValue, path = '(value)'): LambdaAttributeValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnconvertibleRecordError(`attribute ${path} is not an attribute value: ${describe(value)}`);
  }
  const members = Object.entries(value).filter(([, member]) => member !== undefined);
  if (members.length === 0) return { M: {} };
  if (members.length > 1) {
    throw new UnconvertibleRecordError(`attribute ${path} has several types: ${describe(value)}`);
  }
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  if (value.L !== undefined)
    return { L: value.L.map((item, index) => toLambdaAttributeValue(item, `${path}[${index}]`)) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M, path) };
  const unknown = (value as { $unknown?: unknown }).$unknown;
  if (Array.isArray(unknown) && unknown.length === 2 && typeof unknown[0] === 'string') {
    return { [unknown[0]]: unknown[1] } as LambdaAttributeValue;
  }
  throw new UnconvertibleRecordError(`attribute ${path} has an unknown type: ${describe(value)}`);
}

export function toLambdaImage(image: StreamImage, path?: string): Record<string, LambdaAttributeValue> {
  if (image === null || typeof image !== 'object') {
    throw new UnconvertibleRecordError(`${path ?? 'image'} is not a map: ${describe(image)}`);
  }
  const out: Record<string, LambdaAttributeValue> = {};
  for (const [name, value] of Object.entries(image)) {
    out[name] = toLambdaAttributeValue(value, path ? `${path}.${name}` : name);
  }
  return out;
}

export function toLambdaStreamRecord(record: _Record, eventSourceARN: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'us-east-1',
    dynamodb: {
      ...(created && { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) }),
      ...(stream.Keys && { Keys: toLambdaImage(stream.Keys, 'Keys') }),
      ...(stream.NewImage && { NewImage: toLambdaImage(stream.NewImage, 'NewImage') }),
      ...(stream.OldImage && { OldImage: toLambdaImage(stream.OldImage, 'OldImage') }),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN,
    ...(record.userIdentity && { userIdentity: { ...record.userIdentity } }),
  };
}

/**
 * A stream record as JSON for a dead-letter entry, whatever its shape: binary as base64, dates as
 * ISO strings (the record may be one toLambdaStreamRecord refused).
 */
export function rawRecordJson(record: _Record): unknown {
  return JSON.parse(
    JSON.stringify(record, (_key, value: unknown) =>
      value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value,
    ),
  );
}
