import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { CSAT_DETAIL_TYPES, REPORTS_EVENTS_ENVIRONMENT } from '../functions/reports/events.function.js';
import { REPORT_JOBS_ENVIRONMENT } from '../functions/reports/jobs.function.js';
import { SNAPSHOT_AFTER_MINUTES } from '../functions/reports/jobs.js';
import { INDEXES } from '../functions/shared/dynamodb/table-definition.js';
import { reportsTimezoneOf, type StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createEventConsumer } from './event-consumer.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

export interface ReportsConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  readonly bus: IEventBus;
  /** The HTTP function serving GET /reports/* and POST /reports/rebuild (lib/api.ts). */
  readonly apiFunction: NodejsFunction;
}

/**
 * Continual-improvement reports (docs/reports.md). The HTTP function (lib/api.ts) only reads
 * aggregates; this construct keeps them:
 * - the aggregator: a consumer of the projections mapping on the table stream (lib/projections.ts),
 *   ticket and change items and the changes' incident links, one transaction per record with a
 *   per-record marker;
 * - the CSAT consumer: an EventBridge rule for survey events, each applied once under its event id;
 * - the jobs function: the nightly backlog snapshot on an EventBridge Scheduler cron at 00:05 in
 *   the report time zone, and the rebuild, invoked asynchronously by the HTTP function.
 */
export class ReportsConstruct extends Construct {
  readonly csatConsumer: NodejsFunction;
  readonly csatRule: Rule;
  readonly jobs: NodejsFunction;
  readonly snapshotSchedule: Schedule;

  constructor(scope: Construct, id: string, props: ReportsConstructProps) {
    super(scope, id);
    const { config, data } = props;
    const timezone = reportsTimezoneOf(config);
    const table = { TABLE_NAME: data.table.tableName, REPORTS_TIMEZONE: timezone };

    const csat = createEventConsumer(this, {
      config,
      data,
      bus: props.bus,
      functionId: 'CsatAggregator',
      entryName: 'reports-events',
      description: 'Opsdesk: keeps the CSAT report aggregates from survey events',
      environment: environmentFor(REPORTS_EVENTS_ENVIRONMENT, table),
      deadLetterQueueId: 'CsatAggregatorDlq',
      deadLetterReason:
        'This queue is itself the dead-letter destination of the CSAT aggregator; each message is a survey ' +
        'event an operator replays (each event applies once, under its event id).',
      // One transaction per event: the applied marker (PutItem) and the day items (UpdateItem ADD);
      // then the freshness mark (UpdateItem). Nothing is read.
      tableActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      tableIndexes: [],
      rules: [
        {
          id: 'SurveyRule',
          description: 'Survey sent, answered, voided or expired: the CSAT report counts it',
          eventPattern: { source: ['opsdesk'], detailType: [...CSAT_DETAIL_TYPES] },
        },
      ],
    });
    this.csatConsumer = csat.fn;
    this.csatRule = csat.rules[0] as Rule;

    this.jobs = createOpsdeskFunction(this, 'Jobs', {
      entryName: 'report-jobs',
      description: 'Opsdesk: report rebuilds and the nightly backlog snapshot',
      config,
      environment: environmentFor(REPORT_JOBS_ENVIRONMENT, table),
      timeout: Duration.minutes(15),
    });
    // Rebuild: tickets and changes by creation time, surveys by mailing (Query on byKind), markers,
    // a change and its incidents (GetItem), its incident links (Query), one transaction per record
    // or survey fact (PutItem, UpdateItem, DeleteItem). Snapshot: the backlog partition (Query), its
    // copy (BatchWriteItem) and the snapshot marker (GetItem, PutItem).
    data.grantItemAccess(
      this.jobs,
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
      [INDEXES.byKind.name],
    );
    // A role of its own for the schedule, so its one grant is acknowledged here, not on a stack-wide singleton.
    const schedulerRole = new Role(this, 'SnapshotScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Opsdesk: lets the nightly backlog snapshot schedule invoke the report jobs function',
    });
    this.snapshotSchedule = new Schedule(this, 'BacklogSnapshot', {
      description: 'Opsdesk: the backlog at the end of yesterday, at 00:05 report time',
      schedule: ScheduleExpression.cron({
        minute: String(SNAPSHOT_AFTER_MINUTES),
        hour: '0',
        timeZone: TimeZone.of(timezone),
      }),
      target: new LambdaInvoke(this.jobs, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ job: 'backlog-snapshot' }),
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
      }),
    });

    const jobsId = Stack.of(this).getLogicalId(this.jobs.node.defaultChild as CfnFunction);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${jobsId}.Arn>:*]`,
      reason:
        'The schedule may invoke the report jobs function and its versions or aliases (`<arn>:*`): the ' +
        'wildcard is a qualifier of this one function, added by the Scheduler LambdaInvoke target.',
    });

    // The HTTP function reads aggregates (Query, GetItem), the service and calendars of an
    // availability report (BatchGetItem, Query), and keeps POST idempotency records (PutItem,
    // UpdateItem, DeleteItem, GetItem); it hands a rebuild to the jobs function.
    data.grantItemAccess(
      props.apiFunction,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      [],
    );
    props.apiFunction.addEnvironment('REPORT_JOBS_FUNCTION', this.jobs.functionName);
    // The function itself, not `:*` (its versions and aliases, which nothing here publishes).
    props.apiFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.jobs.functionArn] }),
    );
  }
}
