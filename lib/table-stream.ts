import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

/**
 * An event source mapping on the table stream, as both of its readers use it (the publisher,
 * lib/events.ts; the projections, lib/projections.ts): from the oldest record still in the stream,
 * so a new or re-created mapping misses nothing; batches of 100 whose handler reports the failed
 * records (the batch restarts from the first of them), split on error, 10 retries, then the
 * shard and sequence numbers to `deadLetterQueue`.
 */
export function tableStreamSource(
  table: ITable,
  deadLetterQueue: Queue,
  filters: readonly Record<string, unknown>[] = [],
): DynamoEventSource {
  return new DynamoEventSource(table, {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    bisectBatchOnError: true,
    retryAttempts: 10,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(deadLetterQueue),
    ...(filters.length > 0 && { filters: filters.map((filter) => FilterCriteria.filter(filter)) }),
  });
}
