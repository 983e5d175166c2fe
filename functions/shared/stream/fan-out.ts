import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/** A consumer of table stream batches that reports the first record it could not handle. */
export type StreamBatchHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Several consumers behind one event source mapping. DynamoDB advises at most two readers per
 * stream shard, so the projections that need item images share one mapping rather than each
 * taking its own. Every consumer sees the whole batch (concurrently); the batch fails from the
 * earliest record any of them failed on, so the retry redelivers that record and everything after
 * it to all of them, in order. A consumer that had already applied a redelivered record must treat
 * it as a no-op (each one here keeps a per-record marker of what it applied).
 */
export function fanOutStreamBatch(consumers: readonly StreamBatchHandler[]): StreamBatchHandler {
  return async (event) => {
    const results = await Promise.allSettled(consumers.map((consume) => consume(event)));
    const failed = new Set<string>();
    for (const result of results) {
      // A consumer that threw rather than reporting a record: retry the whole batch.
      if (result.status === 'rejected') failed.add(firstIdentifierOf(event));
      else for (const failure of result.value.batchItemFailures) failed.add(failure.itemIdentifier);
    }
    if (failed.size === 0) return { batchItemFailures: [] };
    const position = (identifier: string) => {
      const index = event.Records.findIndex(
        (record) => (record.dynamodb?.SequenceNumber ?? record.eventID) === identifier,
      );
      return index < 0 ? 0 : index;
    };
    const earliest = [...failed].sort((a, b) => position(a) - position(b))[0]!;
    return { batchItemFailures: [{ itemIdentifier: earliest }] };
  };
}

function firstIdentifierOf(event: DynamoDBStreamEvent): string {
  const first = event.Records[0];
  return first?.dynamodb?.SequenceNumber ?? first?.eventID ?? '';
}
