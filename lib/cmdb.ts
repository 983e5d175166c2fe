import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CMDB_CLOSURES_ENVIRONMENT,
  CMDB_CONSUMER_DETAIL_TYPES,
} from '../functions/cmdb/closures.function.js';
import { INDEXES } from '../functions/shared/dynamodb/table-definition.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createEventConsumer } from './event-consumer.js';
import { environmentFor } from './lambda.js';

export interface CmdbConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  readonly bus: IEventBus;
}

/**
 * CMDB background work (the HTTP routes are in lib/api.ts): the closure maintainer, on an
 * EventBridge rule for relationship, CI status and service events. It recomputes the memberships of
 * the services a change may touch and keeps each CI's `closure.serviceIds` (docs/cmdb.md#closures).
 * Recomputing is idempotent, so EventBridge's at-least-once delivery and retries are harmless.
 */
export class CmdbConstruct extends Construct {
  readonly closures: NodejsFunction;
  readonly closureRule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CmdbConstructProps) {
    super(scope, id);
    const consumer = createEventConsumer(this, {
      ...props,
      functionId: 'Closures',
      entryName: 'cmdb-closures',
      description: 'Opsdesk: keeps service memberships and CI closures after relationship and status changes',
      environment: environmentFor(CMDB_CLOSURES_ENVIRONMENT, { TABLE_NAME: props.data.table.tableName }),
      deadLetterQueueId: 'ClosuresDlq',
      deadLetterReason:
        'This queue is itself the dead-letter destination of the closure maintainer; each message names a ' +
        'CI event whose services an operator recomputes by replaying it (recomputing is idempotent).',
      // Reads CIs (GetItem, BatchGetItem) and relationships and memberships (Query on the table);
      // writes membership items and closure sets (PutItem, DeleteItem, UpdateItem in transactions);
      // the DR posture's states, rows and counts likewise (PutItem, DeleteItem, UpdateItem).
      tableActions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
      ],
      tableIndexes: [INDEXES.byKind.name],
      rules: [
        {
          id: 'ClosureRule',
          description: 'CI events: service memberships and the disaster-recovery posture may have changed',
          eventPattern: { source: ['opsdesk'], detailType: [...CMDB_CONSUMER_DETAIL_TYPES] },
        },
      ],
    });
    this.closures = consumer.fn;
    this.closureRule = consumer.rules[0] as Rule;
    this.deadLetterQueue = consumer.deadLetterQueue;
  }
}
