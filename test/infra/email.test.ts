import { type App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { actionsOf, logicalIdOf, type PolicyStatementJson, statementsOfRole, synthOpsdesk } from './synth.js';

const EMAIL = {
  stage: 'qa',
  emailDomain: 'desk.example.com',
  requestAddress: 'requests@desk.example.com',
  machineSenders: 'monitor.example.com,zabbix@ops.example.com',
  deniedSenders: ['spam.example'],
};

/** TLS-only: the Deny on aws:SecureTransport=false that enforceSSL adds. */
const TLS_ONLY = Match.objectLike({
  Effect: 'Deny',
  Action: 's3:*',
  Principal: { AWS: '*' },
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

describe('email to ticket infrastructure', () => {
  const { template, stack } = synthOpsdesk(EMAIL);
  const email = stack.email!;
  const rawMailId = logicalIdOf(email.rawMail!);
  const ingestId = logicalIdOf(email.ingest!);
  const dlqId = logicalIdOf(email.deadLetterQueue);

  it('stores raw mail in a private, encrypted, TLS-only bucket with lifecycle rules and access logs', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[rawMailId]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('AES256');
    expect(bucket.LoggingConfiguration.LogFilePrefix).toBe('raw-mail/');
    const rules = bucket.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'inbox/', ExpirationInDays: 90, Status: 'Enabled' }),
    );
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'quarantine/', ExpirationInDays: 30 }));
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: rawMailId },
      PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
    });
  });

  it('lets only SES, for this account and this rule, write only under inbox/', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: rawMailId }),
    )!;
    const ses = (
      policy.Properties.PolicyDocument.Statement as PolicyStatementJson[] & { Principal?: unknown }[]
    ).filter((s) => JSON.stringify(s).includes('ses.amazonaws.com'));
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject' });
    expect(JSON.stringify(ses[0])).toContain('/inbox/*');
    expect(JSON.stringify(ses[0])).toContain('aws:SourceAccount');
    expect(JSON.stringify(ses[0])).toContain('receipt-rule-set/opsdesk-qa:receipt-rule/opsdesk-qa-inbound');
  });

  it('has a receipt rule set and a rule for our addresses with scanning on and the S3 action', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'opsdesk-qa' });
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: logicalIdOf(email.ruleSet!) },
      Rule: {
        Name: 'opsdesk-qa-inbound',
        Enabled: true,
        ScanEnabled: true,
        Recipients: ['support@desk.example.com', 'requests@desk.example.com'],
        Actions: [{ S3Action: { BucketName: { Ref: rawMailId }, ObjectKeyPrefix: 'inbox/' } }],
      },
    });
  });

  it('does not activate the rule set unless configured (an account has one active set)', () => {
    expect(email.activation).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('setActiveReceiptRuleSet');
    const activated = synthOpsdesk({ ...EMAIL, activateReceiptRuleSet: 'true' });
    const custom = Object.values(activated.template.findResources('Custom::AWS'));
    expect(custom).toHaveLength(1);
    expect(JSON.stringify(custom[0]!.Properties.Create)).toContain('setActiveReceiptRuleSet');
    expect(JSON.stringify(custom[0]!.Properties.Create)).toContain('opsdesk-qa');
    expect(custom[0]!.Properties.Delete).toBeUndefined();
  });

  it('triggers the ingest function from objects stored under inbox/, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: rawMailId },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'inbox/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [ingestId, 'Arn'] },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ingestId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const fn = template.findResources('AWS::Lambda::Function')[ingestId]!.Properties;
    expect(fn.Timeout).toBe(60);
    expect(JSON.parse(fn.Environment.Variables.EMAIL_SETTINGS)).toMatchObject({
      domain: 'desk.example.com',
      addresses: [
        { address: 'support@desk.example.com', type: 'incident' },
        { address: 'requests@desk.example.com', type: 'service_request' },
      ],
      machineSenders: ['monitor.example.com', 'zabbix@ops.example.com'],
      denySenders: ['spam.example'],
      maxMailBytes: 10 * 1024 * 1024,
      autoRepliesPerHour: 10,
    });
  });

  it('gives the ingest function only what it uses: raw mail under inbox/ and quarantine/, mail attachments, table items', () => {
    const statements = statementsOfRole(template, logicalIdOf(email.ingest!.role!));
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const grants = s3.map(
      (s) => `${actionsOf(s).sort().join(',')} ${JSON.stringify(s.Resource).match(/\/[a-z]+\/\*|\/\*/)?.[0]}`,
    );
    expect(grants.sort()).toEqual([
      's3:DeleteObject,s3:GetObject /inbox/*',
      's3:PutObject /mail/*',
      's3:PutObject /quarantine/*',
    ]);
    const dynamo = statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).not.toContain('dynamodb:Scan');
    expect(dynamo).not.toContain('dynamodb:DeleteItem');
    expect(statements.flatMap(actionsOf).some((a) => a.startsWith('ses:'))).toBe(false);
  });

  it('sends only through the notifier, only as the support address of the domain identity', () => {
    const notifierStatements = statementsOfRole(template, logicalIdOf(email.notifier.role!));
    const send = notifierStatements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
    expect(send).toHaveLength(1);
    expect(actionsOf(send[0]!)).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(send[0]!.Resource)).toContain('identity/desk.example.com');
    expect((send[0] as unknown as { Condition: unknown }).Condition).toEqual({
      StringEquals: { 'ses:FromAddress': 'support@desk.example.com' },
    });
    for (const fn of [
      stack.api.functions.tickets,
      stack.api.functions.attachments,
      email.ingest!,
      stack.sla.sweeper,
      stack.changes.taskFunction,
    ]) {
      const actions = statementsOfRole(template, logicalIdOf(fn.role!)).flatMap(actionsOf);
      expect(actions.some((a) => a.startsWith('ses:'))).toBe(false);
    }
  });

  it('runs the notifier on ticket, SLA notice, approval and sender-notice events from the stack’s bus, with retries and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(stack.events.bus) },
      EventPattern: {
        source: ['opsdesk'],
        'detail-type': [
          'Ticket Created',
          'Comment Added',
          'Ticket Status Changed',
          'SLA Notice Due',
          'Change Approval Requested',
          'Change Approval Escalated',
          'Change Approval Expired',
          'Request Approval Requested',
          'Request Approval Escalated',
          'Feedback Received',
          'Mail Too Large',
        ],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(email.notifier), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('keeps attachments in a private, encrypted, TLS-only bucket only the attachments function presigns for', () => {
    const attachmentsId = logicalIdOf(stack.storage.attachments);
    const bucket = template.findResources('AWS::S3::Bucket')[attachmentsId]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration.RestrictPublicBuckets).toBe(true);
    expect(bucket.BucketEncryption).toBeDefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: attachmentsId },
      PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
    });
    const attachments = stack.api.functions.attachments;
    const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(attachments)]!.Properties;
    expect(fn.Environment.Variables.ATTACHMENTS_BUCKET).toEqual({ Ref: attachmentsId });
    for (const other of [
      stack.api.functions.tickets,
      stack.api.functions.admin,
      stack.api.functions.changes,
    ]) {
      const actions = statementsOfRole(template, logicalIdOf(other.role!)).flatMap(actionsOf);
      expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    }
    const s3 = statementsOfRole(template, logicalIdOf(attachments.role!)).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('s3:')),
    );
    expect(s3.map((s) => actionsOf(s).join(',')).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(s3.find((s) => actionsOf(s).includes('s3:PutObject'))!.Resource)).toContain(
      '/tickets/*',
    );
  });

  it('adds no mail path without an email domain, and receiving can be turned off', () => {
    const plain = synthOpsdesk({ stage: 'qa' });
    expect(plain.stack.email).toBeUndefined();
    plain.template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    plain.template.resourceCountIs('Custom::S3BucketNotifications', 0);
    const sendOnly = synthOpsdesk({ ...EMAIL, emailReceiving: 'false' });
    sendOnly.template.resourceCountIs('AWS::SES::ReceiptRule', 0);
    expect(sendOnly.stack.email?.notifier).toBeDefined();
  });

  it('refuses support addresses outside the email domain', () => {
    expect(() => synthOpsdesk({ ...EMAIL, supportAddress: 'help@other.example' })).toThrow(
      /not an address of emailDomain/,
    );
  });
});

function acknowledgedIds(app: App): string[] {
  return app.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as Record<string, string>)),
    );
}

describe('cdk-nag with the mail path', () => {
  it.each([
    ['receiving', EMAIL],
    ['receiving with activation', { ...EMAIL, activateReceiptRuleSet: true }],
    ['production', { ...EMAIL, stage: 'prod', corsOrigins: ['https://desk.example.com'] }],
  ])('passes for %s (synth throws on any unacknowledged finding)', (_, context) => {
    const { app } = buildApp({ context, skipBundling: true, builtinCloudFormationValidation: false });
    expect(() => app.synth()).not.toThrow();
    expect(acknowledgedIds(app).some((id) => id.includes('AwsSolutions-IAM5'))).toBe(true);
  });

  it('really applies: with the acknowledgements ignored, the mail path has findings', () => {
    const { app } = buildApp({ context: EMAIL, skipBundling: true, builtinCloudFormationValidation: false });
    const pack = new AwsSolutionsChecks(app);
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const report = pack.validateScope(app);
    const paths = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => (r as unknown as { constructPath: string }).constructPath),
    );
    expect(paths.some((path) => path.includes('/Email/'))).toBe(true);
  });
});
