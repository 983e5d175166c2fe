import { Duration } from 'aws-cdk-lib';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, type LambdaEntryName } from './lambda.js';

/** One EventBridge rule in front of a consumer: construct id, what it is for, what it matches. */
export interface ConsumerRule {
  readonly id: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
}

export interface EventConsumerProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  readonly bus: IEventBus;
  /** Construct id of the function, and `entryName` of its bundle (lib/lambda.ts). */
  readonly functionId: string;
  readonly entryName: LambdaEntryName;
  readonly description: string;
  /** Its variables, typed by the caller with environmentFor and the assembly's schema. */
  readonly environment: Readonly<Record<string, string>>;
  readonly deadLetterQueueId: string;
  /** Why the dead-letter queue has none of its own: what lands there and how it is replayed. */
  readonly deadLetterReason: string;
  /** Item-level DynamoDB actions and the indexes they may read: least privilege per consumer. */
  readonly tableActions: readonly string[];
  readonly tableIndexes: readonly string[];
  readonly rules: readonly ConsumerRule[];
}

export interface EventConsumer {
  readonly fn: NodejsFunction;
  readonly rules: readonly Rule[];
  readonly deadLetterQueue: Queue;
}

/**
 * A bus consumer the way every background capability runs one: a function on EventBridge rules,
 * retried by EventBridge for a day (8 attempts) and by Lambda's async invoke (2), then parked in
 * an encrypted dead-letter queue an operator replays from. Consumers must be idempotent, because
 * EventBridge delivers at least once; each capability's docs say why its own is.
 */
export function createEventConsumer(scope: Construct, props: EventConsumerProps): EventConsumer {
  const { config, data } = props;
  const deadLetterQueue = createDeadLetterQueue(
    scope,
    props.deadLetterQueueId,
    config,
    props.deadLetterReason,
  );
  const fn = createOpsdeskFunction(scope, props.functionId, {
    entryName: props.entryName,
    description: props.description,
    config,
    environment: { ...props.environment },
    timeout: Duration.seconds(60),
  });
  data.grantItemAccess(fn, [...props.tableActions], [...props.tableIndexes]);
  fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(deadLetterQueue) });
  const rules = props.rules.map((spec) => {
    const rule = new Rule(scope, spec.id, {
      description: spec.description,
      eventBus: props.bus,
      eventPattern: spec.eventPattern,
    });
    rule.addTarget(
      new LambdaFunction(fn, { deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(24) }),
    );
    return rule;
  });
  return { fn, rules, deadLetterQueue };
}
