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
    const fn = utc.findResources('AWS::Lambda::Function')[logicalIdOf(utcStack.projections.fn)]!;
    expect(fn.Properties.Environment.Variables.REPORTS_TIMEZONE).toBe('UTC');
  });
});
