import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StackConfig } from './config.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';

export interface AlertsConstructProps {
  readonly config: StackConfig;
  /** The alerts function of lib/api.ts (integrations admin and HTTP intake). */
  readonly intake: NodejsFunction;
}

/** CloudWatch alarm events on the account's default bus (docs/alerts.md#cloudwatch-in-this-account). */
export const ALARM_DETAIL_TYPES = [
  'CloudWatch Alarm State Change',
  'CloudWatch Alarm Contributor State Change',
] as const;

/**
 * The in-account CloudWatch path: a rule on the DEFAULT event bus (where CloudWatch puts alarm
 * state changes) invokes the intake function directly; no HTTP, no secret, trusted by IAM (the
 * rule's resource-based permission on the function). Failed invocations land in a DLQ.
 */
export class AlertsConstruct extends Construct {
  readonly alarmRule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: AlertsConstructProps) {
    super(scope, id);
    const { config, intake } = props;
    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'AlarmEventsDlq',
      config,
      'This queue is itself the dead-letter destination of CloudWatch alarm events the intake could not ' +
        'apply; an operator replays them (applying an alarm state again is a repeat, not a new incident).',
    );
    intake.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetterQueue) });
    this.alarmRule = new Rule(this, 'AlarmRule', {
      description:
        'CloudWatch alarm state changes of this account: they become incidents (Opsdesk alert intake)',
      eventBus: EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      eventPattern: { source: ['aws.cloudwatch'], detailType: [...ALARM_DETAIL_TYPES] },
    });
    this.alarmRule.addTarget(
      new LambdaFunction(intake, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
