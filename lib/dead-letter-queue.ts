import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.js';

/**
 * A dead-letter queue: encrypted, TLS-only, kept 14 days (the longest SQS allows: failures are
 * investigated by people, not retried by code), retained in production. cdk-nag's SQS3 (a queue
 * without a DLQ of its own) is acknowledged with `why`: what lands here and why nothing sits behind it.
 */
export function createDeadLetterQueue(scope: Construct, id: string, config: StackConfig, why: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: why });
  return queue;
}
