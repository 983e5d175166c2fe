import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_DETAIL_TYPES, ALARM_EVENT_SOURCE } from '../functions/alerts/alarm-events.js';
import type { StackConfig } from './config.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';

export interface AlertsConstructProps {
  readonly config: StackConfig;
  /** The alerts function of lib/api.ts (integrations admin and HTTP intake). */
  readonly intake: NodejsFunction;
}

/** CloudWatch alarm events on the account's default bus (docs/alerts.md#cloudwatch-in-this-account). */
export { ALARM_DETAIL_TYPES } from '../functions/alerts/alarm-events.js';

/**
 * The in-account CloudWatch path: a rule on the DEFAULT event bus (where CloudWatch puts alarm
 * state changes) invokes the intake function directly; no HTTP, no secret, trusted by IAM (the
 * rule's resource-based permission on the function). Failed invocations land in a DLQ.
 */
export class AlertsConstruct extends Construct {
  readonly alarmRule: Rule;
  readonly deadLetterQueue: Queue;
  /** Seals the HMAC keys of `hmac` integrations (docs/alerts.md#standard-webhooks-hmac). */
  readonly secretsKey: Key;

  constructor(scope: Construct, id: string, props: AlertsConstructProps) {
    super(scope, id);
    const { config, intake } = props;
    // HMAC keys must be readable to verify signatures, so they are stored encrypted (bearer secrets
    // are digests). Rotation on; only the alerts function may Encrypt and Decrypt, nothing else.
    this.secretsKey = new Key(this, 'IntegrationSecretsKey', {
      description: 'Opsdesk: seals the HMAC keys of monitoring integrations (alerts function only)',
      enableKeyRotation: true,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.secretsKey.grant(intake, 'kms:Encrypt', 'kms:Decrypt');
    intake.addEnvironment('ALERTS_KEY_ARN', this.secretsKey.keyArn);
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
      eventPattern: { source: [ALARM_EVENT_SOURCE], detailType: [...ALARM_DETAIL_TYPES] },
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
