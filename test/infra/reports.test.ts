import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CSAT_DETAIL_TYPES } from '../../functions/reports/events.function.js';
import { parseStackConfig } from '../../lib/config.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('reports infrastructure', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa', reportsTimezone: 'Europe/Berlin' });
  const dynamoActions = (construct: Parameters<typeof logicalIdOf>[0]) =>
    statementsOfRole(template, logicalIdOf(construct))
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .flatMap((s) => ({ actions: actionsOf(s), resource: JSON.stringify(s.Resource) }));

  it('feeds the aggregator from the table stream, filtered to ticket and change items and incident links', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stack.reports.aggregator) },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalIdOf(stack.reports.aggregatorDeadLetterQueue), 'Arn'] },
        },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              dynamodb: { Keys: { SK: { S: ['TICKET', 'CHANGE', { prefix: 'INCIDENT#' }] } } },
            }),
          },
        ],
      },
    });
  });

  it('gives the aggregator item actions only: no Scan, no index, no batch writes', () => {
    // The event source mapping's own stream reads aside (DescribeStream, GetRecords, GetShardIterator, ListStreams).
    const STREAM_READS = [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ];
    const grants = dynamoActions(stack.reports.aggregator.role!).filter(
      (g) => !g.actions.some((a) => STREAM_READS.includes(a)),
    );
    expect(grants.flatMap((g) => g.actions).sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ].sort(),
    );
    expect(grants.map((g) => g.resource).join()).not.toContain('index/');
  });

  it('runs the CSAT aggregator on survey events, writing without reading', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(stack.events.bus) },
      EventPattern: { source: ['opsdesk'], 'detail-type': [...CSAT_DETAIL_TYPES] },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack.reports.csatConsumer), 'Arn'] } }),
      ],
    });
    expect(
      dynamoActions(stack.reports.csatConsumer.role!)
        .flatMap((g) => g.actions)
        .sort(),
    ).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('snapshots the backlog at 00:05 in the report time zone', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(stack.reports.jobs), 'Arn'] },
        Input: JSON.stringify({ job: 'backlog-snapshot' }),
      }),
    });
    const jobs = dynamoActions(stack.reports.jobs.role!);
    expect(jobs.flatMap((g) => g.actions)).not.toContain('dynamodb:Scan');
    const indexGrant = jobs.find((g) => g.resource.includes('index/'));
    expect(indexGrant?.resource).toContain('index/byKind');
    expect(indexGrant?.actions).toEqual(['dynamodb:Query']);
  });

  it('lets the reports function read aggregates and hand rebuilds to the jobs function, nothing more', () => {
    const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.api.functions.reports)]!;
    expect(fn.Properties.Environment.Variables).toMatchObject({
      REPORTS_TIMEZONE: 'Europe/Berlin',
      REPORT_JOBS_FUNCTION: { Ref: logicalIdOf(stack.reports.jobs) },
    });
    const statements = statementsOfRole(template, logicalIdOf(stack.api.functions.reports.role!));
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke.map((s) => s.Resource))).toContain(logicalIdOf(stack.reports.jobs));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
    expect(dynamo.flatMap(actionsOf)).not.toContain('dynamodb:BatchWriteItem');
    expect(JSON.stringify(dynamo.map((s) => s.Resource))).not.toContain('index/');
  });

  it('checks reportsTimezone as an IANA zone, UTC by default', () => {
    expect(() => parseStackConfig({ reportsTimezone: 'Mars/Olympus' })).toThrow(/reportsTimezone/);
    expect(parseStackConfig({}).reportsTimezone).toBeUndefined();
    const { template: utc, stack: utcStack } = synthOpsdesk({ stage: 'qa' });
    const fn = utc.findResources('AWS::Lambda::Function')[logicalIdOf(utcStack.reports.aggregator)]!;
    expect(fn.Properties.Environment.Variables.REPORTS_TIMEZONE).toBe('UTC');
  });
});
