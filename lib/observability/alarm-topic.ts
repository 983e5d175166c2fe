import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly stage: string;
  /** Subscribed by email when given; the subscriber confirms once from the mail SNS sends. */
  readonly email?: string;
}

/**
 * Where every alarm goes: one SNS topic, encrypted with a key of its own and reachable only over
 * TLS. Email is the default subscriber; other subscribers (chat, paging) attach to the topic ARN
 * the stack outputs.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { account, partition, region } = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    // A customer-managed key: CloudWatch may not use the AWS-managed aws/sns key, so alarms could
    // never publish to a topic encrypted with it.
    this.key = new Key(this, 'Key', {
      description: `Opsdesk ${props.stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      // The key protects notifications in flight, nothing stored: it goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch encrypts the message for SNS; the key holds no data another account could read
    // with this grant, and the topic policy below decides who may publish at all.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncrypt',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: `Opsdesk ${props.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The TLS-only policy replaces SNS's default one, so CloudWatch needs an explicit grant,
    // limited to this account's alarms.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
