import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fanOutStreamBatch, type StreamBatchHandler } from '../../../functions/shared/stream/fan-out.js';

const record = (sequence: string): DynamoDBRecord => ({
  eventID: `e${sequence}`,
  eventName: 'MODIFY',
  dynamodb: { SequenceNumber: sequence, Keys: { PK: { S: `TICKET#${sequence}` }, SK: { S: 'TICKET' } } },
});
const batch = (...sequences: string[]): DynamoDBStreamEvent => ({ Records: sequences.map(record) });

/** A consumer that records what it saw and fails from `failAt` on (or throws). */
function consumer(failAt?: string, throws = false) {
  const seen: string[][] = [];
  const handle: StreamBatchHandler = async (event) => {
    seen.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!));
    if (throws) throw new Error('down');
    return { batchItemFailures: failAt ? [{ itemIdentifier: failAt }] : [] };
  };
  return { seen, handle };
}

describe('one stream mapping, several consumers', () => {
  it('gives every consumer the whole batch and succeeds when all do', async () => {
    const counts = consumer();
    const reports = consumer();
    const result = await fanOutStreamBatch([counts.handle, reports.handle])(batch('1', '2', '3'));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(counts.seen).toEqual([['1', '2', '3']]);
    expect(reports.seen).toEqual([['1', '2', '3']]);
  });

  it('fails the batch from the earliest record any consumer failed on', async () => {
    const later = consumer('30');
    const earlier = consumer('20');
    const result = await fanOutStreamBatch([later.handle, earlier.handle])(batch('10', '20', '30'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '20' }] });
  });

  it('orders failures by position in the batch, not by comparing sequence numbers as text', async () => {
    const a = consumer('100');
    const b = consumer('99');
    const result = await fanOutStreamBatch([a.handle, b.handle])(batch('98', '99', '100'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '99' }] });
  });

  it('retries the whole batch when a consumer throws instead of reporting a record', async () => {
    const fine = consumer();
    const broken = consumer(undefined, true);
    const result = await fanOutStreamBatch([fine.handle, broken.handle])(batch('7', '8'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(fine.seen).toEqual([['7', '8']]);
  });
});
