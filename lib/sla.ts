import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INDEXES } from '../functions/shared/dynamodb/table-definition.js';
import { SLA_SWEEPER_ENVIRONMENT } from '../functions/sla/sweeper.function.js';
import { fallbackNotificationAddressOf, type StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

export interface SlaConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
}

/**
 * The SLA sweeper: a Lambda on an EventBridge rule every minute (the shortest rate EventBridge
 * allows). It reads only the sparse deadline index, so its cost follows what is due, not the table.
 * It sends no mail: its notices are `SLA Notice Due` events, which the email notifier mails.
 */
export class SlaConstruct extends Construct {
  readonly sweeper: NodejsFunction;
  readonly schedule: Rule;
  /** Invocations EventBridge could not deliver after its retries. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SlaConstructProps) {
    super(scope, id);
    const { config, data } = props;

    this.sweeper = createOpsdeskFunction(this, 'Sweeper', {
      entryName: 'sla-sweeper',
      description: 'Opsdesk: records SLA warnings, breaches and notices due every minute',
      config,
      // What the sweeper needs to report notices nobody receives: whether the stack mails them, and
      // the notifier's fallback address (lib/email.ts puts the same one in EMAIL_SETTINGS).
      environment: environmentFor(SLA_SWEEPER_ENVIRONMENT, {
        TABLE_NAME: data.table.tableName,
        NOTICE_MAIL: config.emailDomain ? 'on' : 'off',
        NOTICE_FALLBACK_ADDRESS: fallbackNotificationAddressOf(config) ?? '',
      }),
      // Shorter than the schedule: a sweep that runs long is cut before the next one starts.
      timeout: Duration.seconds(50),
    });
    // Reads SLA configuration (Query on its partition), due tickets and warranty markers (Query on
    // the deadline index), groups (GetItem), the CIs due (BatchGetItem); writes tickets and history
    // (PutItem) and removes a warranty marker as it records the notice (DeleteItem), in transactions.
    data.grantItemAccess(
      this.sweeper,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
      ],
      [INDEXES.bySlaDeadline.name],
    );

    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'ScheduleDlq',
      config,
      'This queue is itself the dead-letter queue of the SLA schedule target; a missed sweep is harmless ' +
        'beyond its minute (the next sweep records everything due), and nothing reads a queue behind it.',
    );

    this.schedule = new Rule(this, 'EveryMinute', {
      description: 'Runs the Opsdesk SLA sweeper',
      schedule: Schedule.rate(Duration.minutes(1)),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.sweeper, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        // An invocation older than its minute is superseded by the next sweep.
        maxEventAge: Duration.minutes(2),
      }),
    );
  }
}
