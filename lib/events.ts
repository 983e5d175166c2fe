import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STREAM_PUBLISHER_ENVIRONMENT } from '../functions/shared/outbox/stream-publisher.function.js';
import type { StackConfig } from './config.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';
import { tableStreamSource } from './table-stream.js';

export interface EventsConstructProps {
  readonly config: StackConfig;
  readonly table: ITable;
}

/**
 * Domain events leave through the table's stream (a transactional outbox): the publisher turns
 * stream records into EventBridge events, so an event is never lost when a handler crashes after
 * its write.
 */
export class EventsConstruct extends Construct {
  readonly bus: EventBus;
  readonly publisher: NodejsFunction;
  /**
   * Where a stream batch that still fails after every retry and split is reported. The message
   * names the shard and sequence numbers, not the records: replay them from the stream within its
   * 24 h retention, or from the table itself after that.
   */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EventsConstructProps) {
    super(scope, id);
    const { config, table } = props;

    this.bus = new EventBus(this, 'Bus', { eventBusName: `opsdesk-${config.stage}` });

    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'PublisherDlq',
      config,
      'This queue is itself the dead-letter destination of the stream publisher (the event source ' +
        "mapping's on-failure destination); a dead-letter queue behind it would only move the same failure reports again.",
    );

    this.publisher = createOpsdeskFunction(this, 'Publisher', {
      entryName: 'stream-publisher',
      description: 'Publishes domain events from the table stream to the Opsdesk event bus',
      config,
      environment: environmentFor(STREAM_PUBLISHER_ENVIRONMENT, {
        EVENT_BUS_NAME: this.bus.eventBusName,
        OPSDESK_STAGE: config.stage,
      }),
      timeout: Duration.seconds(30),
    });

    // Grants stream read only (no table read/write): DescribeStream, GetRecords, GetShardIterator,
    // ListStreams.
    this.publisher.addEventSource(tableStreamSource(table, this.deadLetterQueue));
    this.bus.grantPutEventsTo(this.publisher);
  }
}
