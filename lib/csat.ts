import { Aws, Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CSAT_EVENTS_ENVIRONMENT } from '../functions/csat/events.function.js';
import { type EmailSettings, supportAddress } from '../functions/email/settings.js';
import { INDEXES } from '../functions/shared/dynamodb/table-definition.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createEventConsumer } from './event-consumer.js';
import { environmentFor } from './lambda.js';

export interface CsatConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  readonly bus: IEventBus;
  /** `<API base URL>` of the survey links: the API stage's URL. */
  readonly apiBaseUrl: string;
  /** The mail gateway's settings when the stack mails (an email domain); absent: no survey mail. */
  readonly emailSettings?: EmailSettings;
}

/**
 * CSAT background work (docs/csat.md; the HTTP routes are in lib/api.ts): one function on two bus
 * rules (a ticket resolved: issue its survey and mail it when no delay is set; a ticket leaving
 * `resolved` other than to `closed`: void the pending survey) and on an every-minute schedule (the
 * due index: delayed survey mail and expiry). Every write is conditional, so redelivery and
 * overlapping runs act once. It alone may send survey mail: the link's token exists in clear only
 * inside it, never on the bus.
 */
export class CsatConstruct extends Construct {
  readonly consumer: NodejsFunction;
  readonly resolvedRule: Rule;
  readonly reopenedRule: Rule;
  readonly schedule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CsatConstructProps) {
    super(scope, id);
    const { data, emailSettings } = props;
    const consumer = createEventConsumer(this, {
      ...props,
      functionId: 'CsatEvents',
      entryName: 'csat-events',
      description:
        'Opsdesk: satisfaction surveys issued on resolution, voided on reopen; survey mail and expiry',
      environment: environmentFor(CSAT_EVENTS_ENVIRONMENT, {
        TABLE_NAME: data.table.tableName,
        API_BASE_URL: props.apiBaseUrl,
        EMAIL_SETTINGS: emailSettings ? JSON.stringify(emailSettings) : '',
      }),
      deadLetterQueueId: 'CsatEventsDlq',
      deadLetterReason:
        'This queue is itself the dead-letter destination of the CSAT consumer; each message names a ticket ' +
        'status change an operator replays (issuing and voiding are conditional writes, safe to repeat).',
      // Tickets, surveys, pointers, settings and mail threads by key; surveys, pointers and history
      // put, drafts deleted when mailed, tickets' feedback and surveys updated (all in transactions);
      // the due index queried by the timers.
      tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      tableIndexes: [INDEXES.bySlaDeadline.name],
      rules: [
        {
          id: 'TicketResolvedRule',
          description: 'Tickets resolved: issue a satisfaction survey when eligible',
          eventPattern: {
            source: ['opsdesk'],
            detailType: ['Ticket Status Changed'],
            detail: { to: ['resolved'] },
          },
        },
        {
          id: 'TicketReopenedRule',
          description: 'Tickets reopened: void their pending satisfaction survey',
          eventPattern: {
            source: ['opsdesk'],
            detailType: ['Ticket Status Changed'],
            detail: { from: ['resolved'], to: [{ 'anything-but': ['closed'] }] },
          },
        },
      ],
    });
    this.consumer = consumer.fn;
    [this.resolvedRule, this.reopenedRule] = consumer.rules as [Rule, Rule];
    this.deadLetterQueue = consumer.deadLetterQueue;

    this.schedule = new Rule(this, 'EveryMinute', {
      description: 'Runs the Opsdesk CSAT timers: delayed survey mail and survey expiry',
      schedule: Schedule.rate(Duration.minutes(1)),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.consumer, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        // A run older than its minute is superseded by the next one (it reads what is due then).
        maxEventAge: Duration.minutes(2),
      }),
    );

    if (emailSettings) {
      // SES sending as the support address, from its verified domain identity, nothing else.
      const from = supportAddress(emailSettings);
      const identity = (name: string) =>
        `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${name}`;
      Grant.addToPrincipal({
        grantee: this.consumer,
        actions: ['ses:SendEmail'],
        resourceArns: [identity(emailSettings.domain), identity(from)],
        conditions: { StringEquals: { 'ses:FromAddress': from } },
      });
    }
  }
}
