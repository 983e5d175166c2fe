import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CLOSURE_DETAIL_TYPES } from '../functions/cmdb/closure-maintainer.js';
import { CMDB_CLOSURES_ENVIRONMENT } from '../functions/cmdb/closures.function.js';
import { INDEXES } from '../functions/shared/dynamodb/table-definition.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

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
    const { config, data } = props;
    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'ClosuresDlq',
      config,
      'This queue is itself the dead-letter destination of the closure maintainer; each message names a ' +
        'CI event whose services an operator recomputes by replaying it (recomputing is idempotent).',
    );
    this.closures = createOpsdeskFunction(this, 'Closures', {
      entryName: 'cmdb-closures',
      description: 'Opsdesk: keeps service memberships and CI closures after relationship and status changes',
      config,
      environment: environmentFor(CMDB_CLOSURES_ENVIRONMENT, { TABLE_NAME: data.table.tableName }),
      timeout: Duration.seconds(60),
    });
    // Reads CIs (GetItem, BatchGetItem) and relationships and memberships (Query on the table);
    // writes membership items and closure sets (PutItem, DeleteItem, UpdateItem in transactions).
    data.grantItemAccess(
      this.closures,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
      ],
      [INDEXES.byKind.name],
    );
    this.closures.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.closureRule = new Rule(this, 'ClosureRule', {
      description: 'CI relationship, status and service events: service memberships may have changed',
      eventBus: props.bus,
      eventPattern: { source: ['opsdesk'], detailType: [...CLOSURE_DETAIL_TYPES] },
    });
    this.closureRule.addTarget(
      new LambdaFunction(this.closures, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
