import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  TICKET_COUNTS_ENVIRONMENT,
  TICKET_COUNTS_STREAM_FILTER,
} from '../functions/tickets/counts.function.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

export interface QueuesConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
}

/**
 * Live queue counts (docs/api.md#queue-counts): a second event source mapping on the table
 * stream, filtered to ticket items, feeds the counter. The stream rather than an EventBridge rule:
 * it carries the whole new image in per-item order, so the counter never needs to re-read the
 * ticket, and the filter keeps history, comments and the counters' own writes from invoking it.
 * Each record moves the counters in one transaction with a per-ticket marker of the version counted
 * (idempotent under redelivery; exact under reordering). Queue lists need no construct: they are
 * index reads of the tickets function.
 */
export class QueuesConstruct extends Construct {
  readonly counter: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: QueuesConstructProps) {
    super(scope, id);
    const { config, data } = props;
    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'CounterDlq',
      config,
      'This queue is itself the dead-letter destination of the queue-count mapping; each message names ' +
        'the shard and sequence numbers of stream records whose tickets an operator re-counts (counting is idempotent).',
    );
    this.counter = createOpsdeskFunction(this, 'Counter', {
      entryName: 'ticket-counts',
      description: 'Opsdesk: keeps the live queue counts from the table stream',
      config,
      environment: environmentFor(TICKET_COUNTS_ENVIRONMENT, { TABLE_NAME: data.table.tableName }),
      timeout: Duration.seconds(60),
    });
    // Reads the per-ticket marker (GetItem); writes it and the counters (PutItem, UpdateItem in a
    // transaction). No index is read.
    data.grantItemAccess(
      this.counter,
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      [],
    );
    this.counter.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter(TICKET_COUNTS_STREAM_FILTER)],
      }),
    );
  }
}
