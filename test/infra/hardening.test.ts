import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { accessLogBucket } from '../../lib/access-log-bucket.js';
import { buildApp } from '../../lib/app.js';
import { featureFlagsFromCdkJson } from '../../lib/feature-flags.js';
import { logicalIdOf, synthOpsdesk } from './synth.js';

type Resource = ReturnType<Template['findResources']>[string];
const entries = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type));

/** Resources that hold data or records someone may need after the stack is gone. */
const STATEFUL_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::Cognito::UserPool',
  // Not data, but what a kept user pool needs to be useful: role memberships and a client id.
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolClient',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
  'AWS::S3::Bucket',
];

/** Services that invoke Lambda asynchronously: failures after Lambda's retries must land somewhere. */
const ASYNC_INVOKERS = ['s3.amazonaws.com', 'ses.amazonaws.com', 'sns.amazonaws.com'];

/** The function a `Ref`/`Fn::GetAtt` names. */
function functionIdOf(reference: unknown): string | undefined {
  const ref = reference as { Ref?: string; 'Fn::GetAtt'?: string[] };
  return ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
}

describe.each([
  ['default config', { stage: 'dev' }],
  ['email to ticket', { stage: 'dev', emailDomain: 'desk.example.com' }],
])('hardening, %s', (_, context) => {
  const { template } = synthOpsdesk(context);

  it('keeps the failures of every asynchronously invoked function', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    const keepsAsyncFailures = (id: string) =>
      functions[id]?.Properties.DeadLetterConfig?.TargetArn !== undefined ||
      invokeConfigs.some(
        (config) =>
          functionIdOf(config.Properties.FunctionName) === id &&
          config.Properties.DestinationConfig?.OnFailure?.Destination !== undefined,
      );
    let checked = 0;

    // Stream readers: a batch that fails every retry is reported to an on-failure destination.
    for (const [id, mapping] of entries(template, 'AWS::Lambda::EventSourceMapping')) {
      if (mapping.Properties.StartingPosition === undefined) continue;
      expect(mapping.Properties.DestinationConfig?.OnFailure?.Destination, id).toBeDefined();
      checked += 1;
    }
    // Scheduled and event-rule targets: what EventBridge cannot deliver goes to the target's DLQ.
    for (const [id, rule] of entries(template, 'AWS::Events::Rule')) {
      for (const target of rule.Properties.Targets ?? []) {
        if (!functions[functionIdOf(target.Arn) ?? '']) continue;
        expect(
          target.DeadLetterConfig?.Arn ?? keepsAsyncFailures(functionIdOf(target.Arn) ?? ''),
          id,
        ).toBeTruthy();
        checked += 1;
      }
    }
    // S3, SES and SNS invoke asynchronously: Lambda's own DLQ or on-failure destination.
    for (const [id, permission] of entries(template, 'AWS::Lambda::Permission')) {
      if (!ASYNC_INVOKERS.includes(permission.Properties.Principal)) continue;
      expect(keepsAsyncFailures(functionIdOf(permission.Properties.FunctionName) ?? ''), id).toBe(true);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('expires every log group', () => {
    const logGroups = entries(template, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(0);
    for (const [id, logGroup] of logGroups)
      expect(logGroup.Properties.RetentionInDays, id).toEqual(expect.any(Number));
  });

  it('logs every Opsdesk function as JSON to its own log group', () => {
    // CDK's own helpers (custom-resource providers, the S3 notifications handler) are excluded:
    // their code and logging are aws-cdk-lib's (docs/decisions.md).
    const ours = entries(template, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'opsdesk',
    );
    expect(ours.length).toBeGreaterThanOrEqual(5);
    for (const [id, fn] of ours) {
      expect(fn.Properties.LoggingConfig, id).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: expect.any(String) },
      });
    }
  });

  it('encrypts every queue and refuses plain-HTTP access to it', () => {
    const queues = entries(template, 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled ?? queue.Properties.KmsMasterKeyId, id).toBeTruthy();
      const tlsOnly = policies.some(
        (policy) =>
          JSON.stringify(policy.Properties.Queues).includes(`"${id}"`) &&
          JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      );
      expect(tlsOnly, id).toBe(true);
    }
  });

  it('encrypts every topic with a key of its own', () => {
    const topics = entries(template, 'AWS::SNS::Topic');
    expect(topics.length).toBeGreaterThan(0);
    for (const [id, topic] of topics) expect(topic.Properties.KmsMasterKeyId, id).toBeDefined();
  });

  it('keeps private, encrypted, TLS-only buckets that log access to the access-log bucket', () => {
    const buckets = entries(template, 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(1);
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const logTargets = new Set(
      buckets.map(([, bucket]) => bucket.Properties.LoggingConfiguration?.DestinationBucketName?.Ref),
    );
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      const tlsOnly = policies.some(
        (policy) =>
          JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: id }) &&
          JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      );
      expect(tlsOnly, id).toBe(true);
      if (!logTargets.has(id))
        expect(bucket.Properties.LoggingConfiguration?.DestinationBucketName, id).toBeDefined();
    }
    expect([...logTargets].filter(Boolean)).toHaveLength(1);
  });

  it('keeps the table under the same logical id: a new id would replace it with an empty table', () => {
    // If this fails after a refactoring, the change would delete (dev) or orphan (production) the
    // data on the next deploy: keep the construct path, or override the logical id.
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual(['DataTableFDBAD0F2']);
  });
});

describe('production stages', () => {
  const { template, stack } = synthOpsdesk({ stage: 'prod' });

  it('keep every stateful resource when the stack or the resource is deleted or replaced', () => {
    let checked = 0;
    for (const type of STATEFUL_TYPES) {
      for (const [id, resource] of entries(template, type)) {
        expect({ id, deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }).toEqual({
          id,
          deletion: 'Retain',
          replace: 'Retain',
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('protect the table and the user pool from deletion, and the stack from termination', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    expect(stack.terminationProtection).toBe(true);
  });

  it('keep point-in-time recovery on', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('development stages', () => {
  it('clean up after themselves: no stateful resource outlives the stack', () => {
    const { template, stack } = synthOpsdesk({ stage: 'dev' });
    for (const type of STATEFUL_TYPES) {
      for (const [id, resource] of entries(template, type))
        expect(resource.DeletionPolicy, id).toBe('Delete');
    }
    expect(stack.terminationProtection).toBe(false);
  });
});

describe('shared access-log bucket', () => {
  const { stack, config } = buildApp({ skipBundling: true, builtinCloudFormationValidation: false });
  const first = new Bucket(stack, 'FirstBucket', {
    enforceSSL: true,
    serverAccessLogsBucket: accessLogBucket(stack, config),
    serverAccessLogsPrefix: 'first/',
  });
  const second = new Bucket(stack, 'SecondBucket', {
    enforceSSL: true,
    serverAccessLogsBucket: accessLogBucket(stack, config),
    serverAccessLogsPrefix: 'second/',
  });
  const logs = accessLogBucket(stack, config);
  const template = Template.fromStack(stack);

  it('is created once, however many buckets log to it', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    const logsRef = JSON.stringify({ Ref: logicalIdOf(logs) });
    const logging = Object.entries(buckets).filter(
      ([, bucket]) => bucket.Properties.LoggingConfiguration !== undefined,
    );
    // Every other bucket of the stack logs to it (the stack's own buckets included), itself not.
    expect(logging.map(([id]) => id).sort()).toEqual(
      Object.keys(buckets)
        .filter((id) => id !== logicalIdOf(logs))
        .sort(),
    );
    for (const [id, bucket] of logging) {
      expect(JSON.stringify(bucket.Properties.LoggingConfiguration.DestinationBucketName), id).toBe(logsRef);
    }
    expect(Object.keys(buckets)).toEqual(expect.arrayContaining([first, second].map(logicalIdOf)));
  });

  it('receives the access logs of the buckets that use it', () => {
    for (const [bucket, prefix] of [
      [first, 'first/'],
      [second, 'second/'],
    ] as const) {
      expect(
        template.findResources('AWS::S3::Bucket')[logicalIdOf(bucket)]?.Properties.LoggingConfiguration,
      ).toEqual({
        DestinationBucketName: { Ref: logicalIdOf(logs) },
        LogFilePrefix: prefix,
      });
    }
  });

  it('is private, SSE-S3 encrypted (what log delivery supports), TLS-only, and expires logs', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: config.logRetentionDays, Status: 'Enabled' }] },
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logicalIdOf(logs) }),
    );
    const statements = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(statements).toContain('"aws:SecureTransport":"false"');
    expect(statements).toContain('logging.s3.amazonaws.com');
  });
});

/** What the installed aws-cdk-lib recommends (`cdk flags` reads the same file). */
function recommendedFlags(): Record<string, unknown> {
  const path = createRequire(import.meta.url).resolve('aws-cdk-lib/recommended-feature-flags.json');
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('CDK feature flags', () => {
  it('cdk.json decides every flag the installed aws-cdk-lib recommends (an upgrade shows what is new)', () => {
    const configured = featureFlagsFromCdkJson();
    const undecided = Object.keys(recommendedFlags()).filter((flag) => !(flag in configured));
    expect(undecided).toEqual([]);
  });

  it('differ from the recommendation only where docs/decisions.md says why', () => {
    const configured = featureFlagsFromCdkJson();
    const decisions = readFileSync(new URL('../../docs/decisions.md', import.meta.url), 'utf8');
    for (const [flag, recommended] of Object.entries(recommendedFlags())) {
      if (JSON.stringify(configured[flag]) === JSON.stringify(recommended)) continue;
      expect(decisions, flag).toContain(flag);
    }
  });
});
