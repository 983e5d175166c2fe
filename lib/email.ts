import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { S3EventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  EventType,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type IReceiptRuleAction, ReceiptRule, ReceiptRuleSet, TlsPolicy } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  AUTO_REPLIES_PER_HOUR,
  INBOX_PREFIX,
  MAX_MAIL_BYTES,
  NOTIFIED_DETAIL_TYPES,
  QUARANTINE_PREFIX,
} from '../functions/email/constants.js';
import { EMAIL_INGEST_ENVIRONMENT } from '../functions/email/ingest.function.js';
import { EMAIL_NOTIFIER_ENVIRONMENT } from '../functions/email/notifier.function.js';
import type { EmailSettings } from '../functions/email/settings.js';
import { accessLogBucket } from './access-log-bucket.js';
import { emailTicketDefaultsOf, fallbackNotificationAddressOf, type StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';
import type { StorageConstruct } from './storage.js';

/** Raw mail is evidence for a while (disputes, parser fixes), then it goes. */
const RAW_MAIL_DAYS = 90;
const QUARANTINE_DAYS = 30;

/** The events the notifier answers (functions/email/notifier.ts): ticket, SLA notice, change approval. */
export { NOTIFIED_DETAIL_TYPES };

export interface EmailConstructProps {
  readonly config: StackConfig & { readonly emailDomain: string };
  readonly data: DataConstruct;
  readonly bus: IEventBus;
  readonly storage: StorageConstruct;
}

/**
 * Email to ticket (docs/email.md). Receiving: an SES receipt rule set with one rule (our
 * addresses, spam and virus scanning on, TLS optional) that stores raw mail in a private bucket
 * under `inbox/`; the stored object triggers the ingest function (async retries, then the DLQ).
 * The rule set is activated only when `activateReceiptRuleSet` says so: an account has one active
 * set, and activating ours replaces it. Sending: the notifier, on an EventBridge rule for the
 * notified events (ticket mail, SLA notices, change approval notices), is the only function that
 * sends through SES, as the support address and nothing else.
 */
export class EmailConstruct extends Construct {
  readonly settings: EmailSettings;
  readonly supportAddress: string;
  readonly notifier: NodejsFunction;
  readonly notifyRule: Rule;
  /** Mail that failed ingestion and notifications that failed, after their retries. */
  readonly deadLetterQueue: Queue;
  readonly rawMail?: Bucket;
  readonly ingest?: NodejsFunction;
  readonly ruleSet?: ReceiptRuleSet;
  readonly receiptRule?: ReceiptRule;
  readonly activation?: AwsCustomResource;

  constructor(scope: Construct, id: string, props: EmailConstructProps) {
    super(scope, id);
    const { config, data, storage } = props;
    this.supportAddress = config.supportAddress ?? `support@${config.emailDomain}`;
    this.settings = emailSettingsOf(config, this.supportAddress);
    assertOwnAddresses(config.emailDomain, this.settings);

    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'MailDlq',
      config,
      'This queue is itself the dead-letter destination of the mail ingest and notifier functions; each ' +
        'message names the stored mail or the event, which an operator replays after fixing the cause.',
    );
    const environment = {
      TABLE_NAME: data.table.tableName,
      EMAIL_SETTINGS: JSON.stringify(this.settings),
      ATTACHMENTS_BUCKET: storage.attachments.bucketName,
    };

    this.notifier = createOpsdeskFunction(this, 'Notifier', {
      entryName: 'email-notifier',
      description: 'Opsdesk: mails ticket notifications, SLA notices and change approval notices (SES)',
      config,
      // The sender is the settings' support address: no MAIL_FROM of its own to disagree with.
      environment: environmentFor(EMAIL_NOTIFIER_ENVIRONMENT, {
        TABLE_NAME: environment.TABLE_NAME,
        EMAIL_SETTINGS: environment.EMAIL_SETTINGS,
      }),
      timeout: Duration.seconds(30),
    });
    data.grantItemAccess(this.notifier, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], []);
    this.grantSendMail(this.notifier);
    this.notifier.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.notifyRule = new Rule(this, 'NotifyRule', {
      description: 'Events that may be mailed: ticket mail, SLA notices, change approval notices',
      eventBus: props.bus,
      eventPattern: { source: ['opsdesk'], detailType: [...NOTIFIED_DETAIL_TYPES] },
    });
    this.notifyRule.addTarget(
      new LambdaFunction(this.notifier, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );

    if (config.emailReceiving === false) return;
    const rawMail = this.createRawMailBucket(config);
    this.rawMail = rawMail;
    const setName = `opsdesk-${config.stage}`;
    const ruleName = `opsdesk-${config.stage}-inbound`;
    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: setName });
    // SES checks its write permission when the rule is created: the bucket policy comes first.
    rawMail.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SesStoresInboundMail',
        actions: ['s3:PutObject'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: [rawMail.arnForObjects(`${INBOX_PREFIX}*`)],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:receipt-rule-set/${setName}:receipt-rule/${ruleName}`,
          },
        },
      }),
    );
    const storeInS3: IReceiptRuleAction = {
      bind: () => ({ s3Action: { bucketName: rawMail.bucketName, objectKeyPrefix: INBOX_PREFIX } }),
    };
    this.receiptRule = new ReceiptRule(this, 'InboundRule', {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      recipients: this.settings.addresses.map((entry) => entry.address),
      scanEnabled: true,
      // Most servers deliver over TLS; requiring it would bounce the mail of the few that do not.
      tlsPolicy: TlsPolicy.OPTIONAL,
      enabled: true,
      actions: [storeInS3],
    });
    if (rawMail.policy) this.receiptRule.node.addDependency(rawMail.policy);

    this.ingest = this.createIngest(config, data, storage, rawMail, environment);
    if (config.activateReceiptRuleSet === true) this.activation = this.activate(setName);
    this.acknowledgeHelpers();
  }

  /**
   * CDK's own helper functions: the one that writes the bucket's event notification (S3 has no
   * CloudFormation property that can point at a function created in the same stack without a
   * cycle) and the one behind AwsCustomResource. Their roles are CDK's, not ours to shape.
   */
  private acknowledgeHelpers(): void {
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (
        child.node.id.startsWith('BucketNotificationsHandler') ||
        child.node.id.startsWith('AWS679f53fac002430cb0da5b7982bd2287')
      ) {
        Validations.of(child).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'A CDK-provided singleton helper (S3 bucket notifications / AwsCustomResource) that runs only during ' +
            'deployment; its role gets the basic execution policy from CDK and writes only its own logs with it.',
        });
      }
    }
  }

  /**
   * SES sending as the support address, from its verified domain identity, nothing else. Only the
   * notifier has it: every mail goes through the notifier's one-mail-per-event ledger.
   */
  private grantSendMail(grantee: NodejsFunction): void {
    const identity = (name: string) =>
      `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${name}`;
    Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [identity(this.settings.domain), identity(this.supportAddress)],
      conditions: { StringEquals: { 'ses:FromAddress': this.supportAddress } },
    });
  }

  private createRawMailBucket(config: StackConfig): Bucket {
    return new Bucket(this, 'RawMail', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogBucket(this, config),
      serverAccessLogsPrefix: 'raw-mail/',
      lifecycleRules: [
        { id: 'inbox', prefix: INBOX_PREFIX, expiration: Duration.days(RAW_MAIL_DAYS) },
        { id: 'quarantine', prefix: QUARANTINE_PREFIX, expiration: Duration.days(QUARANTINE_DAYS) },
        { id: 'multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  private createIngest(
    config: StackConfig,
    data: DataConstruct,
    storage: StorageConstruct,
    rawMail: Bucket,
    environment: Record<string, string>,
  ): NodejsFunction {
    const ingest = createOpsdeskFunction(this, 'Ingest', {
      entryName: 'email-ingest',
      description: 'Opsdesk: turns mail stored by SES into tickets and comments',
      config,
      environment: environmentFor(EMAIL_INGEST_ENVIRONMENT, {
        TABLE_NAME: environment.TABLE_NAME!,
        EMAIL_SETTINGS: environment.EMAIL_SETTINGS!,
        ATTACHMENTS_BUCKET: environment.ATTACHMENTS_BUCKET!,
        RAW_MAIL_BUCKET: rawMail.bucketName,
      }),
      // Parsing is bounded well below this (domain/email/parse.ts); the claim lease is longer.
      timeout: Duration.seconds(60),
    });
    data.grantItemAccess(
      ingest,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'dynamodb:ConditionCheckItem',
      ],
      [],
    );
    // Reads what SES stored; moves refused and quarantined mail aside (copy, then delete).
    Grant.addToPrincipal({
      grantee: ingest,
      actions: ['s3:GetObject', 's3:DeleteObject'],
      resourceArns: [rawMail.arnForObjects(`${INBOX_PREFIX}*`)],
    });
    Grant.addToPrincipal({
      grantee: ingest,
      actions: ['s3:PutObject'],
      resourceArns: [rawMail.arnForObjects(`${QUARANTINE_PREFIX}*`)],
    });
    storage.grantMailWrite(ingest);
    const rawMailId = Stack.of(this).getLogicalId(rawMail.node.defaultChild as CfnBucket);
    for (const prefix of [INBOX_PREFIX, QUARANTINE_PREFIX]) {
      Validations.of(ingest.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${rawMailId}.Arn>/${prefix}*]`,
        reason:
          'SES names each stored mail after its own message id under inbox/; the ingest reads and removes those, ' +
          'and writes refused or quarantined mail under quarantine/<reason>/. Limited to the two prefixes.',
      });
    }
    ingest.addEventSource(
      new S3EventSource(rawMail, { events: [EventType.OBJECT_CREATED], filters: [{ prefix: INBOX_PREFIX }] }),
    );
    ingest.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    return ingest;
  }

  /** SetActiveReceiptRuleSet on create and update; nothing on delete (see docs/email.md). */
  private activate(setName: string): AwsCustomResource {
    const call = {
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: setName },
      physicalResourceId: PhysicalResourceId.of(`${setName}-active`),
    };
    const activation = new AwsCustomResource(this, 'ActivateRuleSet', {
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromStatements([
        // SetActiveReceiptRuleSet supports no resource-level permissions.
        new PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
    });
    Validations.of(activation).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:SetActiveReceiptRuleSet supports no resource-level permissions (Resource must be "*"); the ' +
        'custom resource calls it only with this stack’s rule set name, and only when activateReceiptRuleSet is set.',
    });
    if (this.receiptRule) activation.node.addDependency(this.receiptRule);
    return activation;
  }
}

export function emailSettingsOf(
  config: StackConfig & { readonly emailDomain: string },
  support: string,
): EmailSettings {
  return {
    domain: config.emailDomain,
    addresses: [
      { address: support, type: 'incident' },
      ...(config.requestAddress
        ? [{ address: config.requestAddress, type: 'service_request' as const }]
        : []),
    ],
    machineSenders: [...(config.machineSenders ?? [])],
    allowSenders: [...(config.allowedSenders ?? [])],
    denySenders: [...(config.deniedSenders ?? [])],
    ...(config.noReplySendersAreMachines ? { noReplySendersAreMachines: true } : {}),
    maxMailBytes: MAX_MAIL_BYTES,
    autoRepliesPerHour: AUTO_REPLIES_PER_HOUR,
    ticketDefaults: emailTicketDefaultsOf(config),
    fallbackAddress: fallbackNotificationAddressOf(config) ?? null,
  };
}

/** Our addresses must be of our domain: SES receives and sends for the domain identity only. */
function assertOwnAddresses(domain: string, settings: EmailSettings): void {
  for (const { address } of settings.addresses) {
    const at = address.toLowerCase().split('@')[1] ?? '';
    if (at !== domain.toLowerCase() && !at.endsWith(`.${domain.toLowerCase()}`)) {
      throw new Error(`Invalid Opsdesk stack config: ${address} is not an address of emailDomain ${domain}`);
    }
  }
}
