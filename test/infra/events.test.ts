import { describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

/** What a Lambda event source mapping on a DynamoDB stream needs, and nothing of the table itself. */
const STREAM_READ = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

describe('domain events', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa' });
  const publisherId = logicalIdOf(stack.events.publisher);
  const busId = logicalIdOf(stack.events.bus);
  const queueId = logicalIdOf(stack.events.deadLetterQueue);
  const statements = statementsOfRole(template, logicalIdOf(stack.events.publisher.role!));

  it('go to a custom bus named after the stage', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'opsdesk-qa' });
    const publisher = template.findResources('AWS::Lambda::Function')[publisherId];
    expect(publisher?.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
  });

  it('are read from the table stream in batches, with retries, splitting and a DLQ', () => {
    // The publisher's and the projections' (lib/projections.ts, test/infra/projections.test.ts).
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: publisherId },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.data.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('leave the stream at two readers, as DynamoDB advises: the publisher and the projections', () => {
    const streamArn = JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack.data.table), 'StreamArn'] });
    const readers = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
      .filter((mapping) => JSON.stringify(mapping.Properties.EventSourceArn) === streamArn)
      .map((mapping) => mapping.Properties.FunctionName.Ref)
      .sort();
    expect(readers).toEqual([logicalIdOf(stack.projections.fn), publisherId].sort());
  });

  it('land in an encrypted, TLS-only dead-letter queue when they cannot be published', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          },
        ],
      },
    });
  });

  it("page on-call as soon as the mapping's on-failure queue holds a record (the poison-record path)", () => {
    // Bisection and a bounded retry budget make a poison record leave the shard for this queue
    // (asserted above); this alarm is what makes anyone look at it.
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) =>
        alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(alarm.Properties.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalIdOf(stack.observability.alarmTopic.topic) }],
    });
  });

  it('are published with PutEvents on that bus only', () => {
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
    });
    const eventActions = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('events:')));
    expect(eventActions).toHaveLength(1);
  });

  it('give the publisher stream read and no table read or write', () => {
    const dynamoActions = statements.flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'));
    expect(dynamoActions.sort()).toEqual([...STREAM_READ].sort());
    expect(dynamoActions).not.toContain('dynamodb:PutItem');
    const tableArn = JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack.data.table), 'Arn'] });
    expect(JSON.stringify(statements)).not.toContain(tableArn);
  });
});
