import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROBLEM_EVENTS_ENVIRONMENT } from '../functions/problems/events.function.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

export interface ProblemsConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  readonly bus: IEventBus;
}

/**
 * Problems background work (the HTTP routes are in lib/api.ts): one consumer, on an EventBridge
 * rule for `Known Error Applied` (usage counters, once per application) and for problems resolved
 * with a cascade (each pending incident resolved in its own conditional transaction;
 * docs/problems.md#cascade). Both are idempotent, so at-least-once delivery and retries are harmless.
 */
export class ProblemsConstruct extends Construct {
  readonly consumer: NodejsFunction;
  readonly usageRule: Rule;
  readonly cascadeRule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ProblemsConstructProps) {
    super(scope, id);
    const { config, data } = props;
    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'ProblemEventsDlq',
      config,
      'This queue is itself the dead-letter destination of the problems consumer; each message names a ' +
        'usage or cascade event an operator replays (both are idempotent).',
    );
    this.consumer = createOpsdeskFunction(this, 'ProblemEvents', {
      entryName: 'problem-events',
      description: 'Opsdesk: known error usage counters and problem resolution cascades',
      config,
      environment: environmentFor(PROBLEM_EVENTS_ENVIRONMENT, { TABLE_NAME: data.table.tableName }),
      timeout: Duration.seconds(60),
    });
    // Reads tickets, known errors and the SLA config (GetItem, BatchGetItem); writes incidents,
    // usage counters and history in transactions (PutItem, UpdateItem, DeleteItem, ConditionCheck).
    data.grantItemAccess(
      this.consumer,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ],
      [],
    );
    this.consumer.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    // Two rules, one target: every application, and only resolutions that carry a cascade.
    this.usageRule = new Rule(this, 'KnownErrorAppliedRule', {
      description: 'Known errors applied to incidents: usage counters',
      eventBus: props.bus,
      eventPattern: { source: ['opsdesk'], detailType: ['Known Error Applied'] },
    });
    this.cascadeRule = new Rule(this, 'ProblemCascadeRule', {
      description: 'Problems resolved with a cascade: resolve their pending incidents',
      eventBus: props.bus,
      eventPattern: {
        source: ['opsdesk'],
        detailType: ['Ticket Status Changed'],
        detail: { to: ['resolved'], cascade: { mode: ['awaiting_problem', 'all_open'] } },
      },
    });
    for (const rule of [this.usageRule, this.cascadeRule]) {
      rule.addTarget(
        new LambdaFunction(this.consumer, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      );
    }
  }
}
