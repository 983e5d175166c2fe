import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROBLEM_EVENTS_ENVIRONMENT } from '../functions/problems/events.function.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createEventConsumer } from './event-consumer.js';
import { environmentFor } from './lambda.js';

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
    const consumer = createEventConsumer(this, {
      ...props,
      functionId: 'ProblemEvents',
      entryName: 'problem-events',
      description: 'Opsdesk: known error usage counters and problem resolution cascades',
      environment: environmentFor(PROBLEM_EVENTS_ENVIRONMENT, { TABLE_NAME: props.data.table.tableName }),
      deadLetterQueueId: 'ProblemEventsDlq',
      deadLetterReason:
        'This queue is itself the dead-letter destination of the problems consumer; each message names a ' +
        'usage or cascade event an operator replays (both are idempotent).',
      // Reads tickets, known errors and the SLA config (GetItem, BatchGetItem); writes incidents,
      // usage counters and history in transactions (PutItem, UpdateItem, DeleteItem, ConditionCheck).
      tableActions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ],
      tableIndexes: [],
      // Two rules, one target: every application, and only resolutions that carry a cascade.
      rules: [
        {
          id: 'KnownErrorAppliedRule',
          description: 'Known errors applied to incidents: usage counters',
          eventPattern: { source: ['opsdesk'], detailType: ['Known Error Applied'] },
        },
        {
          id: 'ProblemCascadeRule',
          description: 'Problems resolved with a cascade: resolve their pending incidents',
          eventPattern: {
            source: ['opsdesk'],
            detailType: ['Ticket Status Changed'],
            detail: { to: ['resolved'], cascade: { mode: ['awaiting_problem', 'all_open'] } },
          },
        },
      ],
    });
    this.consumer = consumer.fn;
    [this.usageRule, this.cascadeRule] = consumer.rules as [Rule, Rule];
    this.deadLetterQueue = consumer.deadLetterQueue;
  }
}
