import { describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('projections infrastructure (queue counts and report aggregates)', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa', reportsTimezone: 'Europe/Berlin' });

  it('reads the table stream through one mapping, each consumer’s filter OR-ed, with its own DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stack.projections.fn) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.data.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { Keys: { SK: { S: ['TICKET'] } } } }) },
          {
            Pattern: JSON.stringify({
              dynamodb: { Keys: { SK: { S: ['TICKET', 'CHANGE', { prefix: 'INCIDENT#' }] } } },
            }),
          },
        ],
      },
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalIdOf(stack.projections.deadLetterQueue), 'Arn'] },
        },
      },
    });
  });

  it('is given item actions only: no Scan, no index, no batch writes', () => {
    // The event source mapping's own stream reads aside (DescribeStream, GetRecords, GetShardIterator, ListStreams).
    const STREAM_READS = [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ];
    const grants = statementsOfRole(template, logicalIdOf(stack.projections.fn.role!))
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .filter((s) => !actionsOf(s).some((a) => STREAM_READS.includes(a)));
    expect(grants.flatMap(actionsOf).sort()).toEqual(
      [
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    expect(JSON.stringify(grants.map((s) => s.Resource))).not.toContain('index/');
  });

  it('counts days in the report time zone', () => {
    const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.projections.fn)]!;
    expect(fn.Properties.Environment.Variables.REPORTS_TIMEZONE).toBe('Europe/Berlin');
  });
});
