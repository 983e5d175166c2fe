import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.js';

const ACCESS_LOG_BUCKET_ID = 'AccessLogBucket';
/** RetentionDays' "never expire". */
const KEEP_FOREVER = 9999;

/**
 * The stack's one bucket for S3 server access logs, created by the first bucket that asks:
 *
 * ```ts
 * new Bucket(this, 'Mail', { serverAccessLogsBucket: accessLogBucket(this, config), serverAccessLogsPrefix: 'mail/' });
 * ```
 *
 * One shared target keeps every bucket's access records in one place, expiring with the
 * configured log retention, and leaves no bucket created "just for logs" when the stack has no
 * other bucket.
 */
export function accessLogBucket(scope: Construct, config: StackConfig): Bucket {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(ACCESS_LOG_BUCKET_ID);
  if (existing instanceof Bucket) return existing;

  const bucket = new Bucket(stack, ACCESS_LOG_BUCKET_ID, {
    // S3 delivers server access logs only to buckets encrypted with S3-managed keys (SSE-S3).
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    // Delivery is granted by a bucket policy to logging.s3.amazonaws.com (the
    // serverAccessLogsUseBucketPolicy feature flag), which works with ACLs disabled.
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    lifecycleRules:
      config.logRetentionDays === KEEP_FOREVER
        ? []
        : [{ expiration: Duration.days(config.logRetentionDays) }],
    // Without auto-deletion (its helper Lambda carries an AWS managed policy): a dev teardown
    // empties the bucket first (docs/deploy.md); production keeps it with the stack's other records.
    removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  // No access logging of its own (it would log its own log deliveries); cdk-nag's S1 accepts a
  // bucket that is another bucket's log destination, so this needs no acknowledgement.
  return bucket;
}
