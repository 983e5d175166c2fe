import { Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROJECTIONS_ENVIRONMENT, PROJECTIONS_STREAM_FILTERS } from '../functions/projections/function.js';
import { reportsTimezoneOf, type StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';
import { tableStreamSource } from './table-stream.js';

export interface ProjectionsConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
}

/**
 * The table stream's second and last reader (the event publisher, lib/events.ts, is the first):
 * DynamoDB advises at most two processes per stream shard, so everything computed from item images
 * shares this one mapping (docs/architecture.md#the-table-stream):
 * - live queue counts (docs/api.md#queue-counts), from ticket items;
 * - report aggregates (docs/reports.md), from ticket and change items and the changes' incident links.
 * The stream rather than EventBridge: it carries each item's whole new image in per-item order, so
 * neither re-reads what changed, and the filters keep history, comments and the projections' own
 * writes from invoking it. Each record moves each projection in one transaction with a per-record
 * marker of what it applied: idempotent under redelivery (a batch retried for one consumer is a
 * no-op for the other) and exact under reordering.
 */
export class ProjectionsConstruct extends Construct {
  readonly fn: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ProjectionsConstructProps) {
    super(scope, id);
    const { config, data } = props;
    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'ProjectionsDlq',
      config,
      'This queue is itself the dead-letter destination of the projections mapping; each message names the ' +
        'shard and sequence numbers of stream records an operator replays: POST /reports/rebuild for the ' +
        'report aggregates, a re-count of the tickets for the queue counts (both idempotent).',
    );
    this.fn = createOpsdeskFunction(this, 'Projections', {
      entryName: 'projections',
      description: 'Opsdesk: keeps the live queue counts and the report aggregates from the table stream',
      config,
      environment: environmentFor(PROJECTIONS_ENVIRONMENT, {
        TABLE_NAME: data.table.tableName,
        REPORTS_TIMEZONE: reportsTimezoneOf(config),
      }),
      timeout: Duration.seconds(60),
    });
    // Reads the per-record markers, a change and the incidents it caused (GetItem) and the change's
    // incident links (Query on the table); writes markers, counters, day items and outage intervals
    // in one transaction per record and consumer (PutItem, UpdateItem, DeleteItem, ConditionCheckItem)
    // and the report freshness mark (UpdateItem). No index is read.
    data.grantItemAccess(
      this.fn,
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ],
      [],
    );
    this.fn.addEventSource(tableStreamSource(data.table, this.deadLetterQueue, PROJECTIONS_STREAM_FILTERS));
  }
}
