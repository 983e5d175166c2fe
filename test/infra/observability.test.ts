import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { BUSINESS_METRICS } from '../../functions/shared/observability/business-metrics.js';
import { buildApp } from '../../lib/app.js';
import { createOpsdeskFunction } from '../../lib/lambda.js';
import { ALARM_KINDS, THRESHOLDS } from '../../lib/observability/alarms.js';
import { logicalIdOf, synthOpsdesk } from './synth.js';

type Resource = ReturnType<Template['findResources']>[string];

const alarmsOf = (template: Template): Resource[] =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm'));
const dimensionRef = (alarm: Resource): unknown => alarm.Properties.Dimensions?.[0]?.Value;
const withMetric = (alarms: Resource[], metricName: string) =>
  alarms.filter((alarm) => alarm.Properties.MetricName === metricName);

describe('alarms', () => {
  const { template, stack } = synthOpsdesk({ stage: 'dev', alarmEmail: 'oncall@example.com' });
  const alarms = alarmsOf(template);
  const topicRef = { Ref: logicalIdOf(stack.observability.alarmTopic.topic) };
  const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));

  it('watch errors and throttles of every Lambda function of the stack', () => {
    expect(functionIds.length).toBeGreaterThanOrEqual(5);
    for (const metric of ['Errors', 'Throttles']) {
      const watched = withMetric(alarms, metric).map(dimensionRef);
      expect(watched, metric).toEqual(expect.arrayContaining(functionIds.map((id) => ({ Ref: id }))));
      expect(watched, metric).toHaveLength(functionIds.length);
    }
    for (const alarm of withMetric(alarms, 'Errors')) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: THRESHOLDS.functionErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('notify the alarm topic when they fire and when they recover, and say where the runbook is', () => {
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      expect(alarm.Properties.AlarmName).toMatch(/^opsdesk-dev-/);
      expect(alarm.Properties.AlarmDescription).toMatch(/Runbook: docs\/operations\.md#[a-z0-9-]+$/);
    }
    const names = alarms.map((alarm) => alarm.Properties.AlarmName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('point at runbook sections that exist in docs/operations.md', () => {
    const runbook = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    // GitHub's anchors: lower case, spaces to dashes, punctuation dropped.
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map(([, heading]) =>
        (heading as string)
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const kind of ALARM_KINDS) expect(anchors, kind).toContain(kind);
    for (const alarm of alarms) {
      const anchor = String(alarm.Properties.AlarmDescription).split('#').at(-1) as string;
      expect(ALARM_KINDS, alarm.Properties.AlarmName).toContain(anchor);
    }
  });

  it('fire on API 5xx', () => {
    const [alarm, ...others] = withMetric(alarms, '5xx');
    expect(others).toEqual([]);
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalIdOf(stack.api.httpApi) } }],
      Statistic: 'Sum',
      Threshold: THRESHOLDS.apiServerErrors,
    });
  });

  it('fire on any message in the publisher dead-letter queue', () => {
    const queueDepth = withMetric(alarms, 'ApproximateNumberOfMessagesVisible').map(
      (alarm) => alarm.Properties,
    );
    expect(queueDepth).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalIdOf(stack.events.deadLetterQueue), 'QueueName'] },
          },
        ],
        Statistic: 'Maximum',
        Threshold: 1,
      }),
    );
  });

  it('fire when a stream consumer (the publisher, the projections) lags five minutes behind the table', () => {
    const lags = withMetric(alarms, 'IteratorAge');
    expect(lags.map((lag) => lag.Properties.Dimensions)).toEqual(
      expect.arrayContaining([
        [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stack.events.publisher) } }],
        [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stack.projections.fn) } }],
      ]),
    );
    expect(lags).toHaveLength(2);
    for (const lag of lags)
      expect(lag.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 300_000 });
  });

  it('fire on SLA breaches counted by the stream publisher for this stage', () => {
    const [breaches, ...others] = withMetric(alarms, 'SlaBreaches');
    expect(others).toEqual([]);
    expect(breaches?.Properties).toMatchObject({
      Namespace: 'Opsdesk',
      Dimensions: [
        { Name: 'service', Value: 'opsdesk' },
        { Name: 'stage', Value: 'dev' },
      ],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });
});

describe('alarms for constructs added after the observability construct', () => {
  // The observability construct discovers what to watch at synthesis: what another construct adds
  // later (a workflow, a work queue with its DLQ, a function) is covered without registering it.
  const { app, stack, config } = buildApp({ skipBundling: true, builtinCloudFormationValidation: false });
  const workflow = new StateMachine(stack, 'LateWorkflow', {
    definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Nothing')),
    tracingEnabled: true,
    logs: {
      destination: new LogGroup(stack, 'LateWorkflowLogs', { retention: RetentionDays.ONE_MONTH }),
      level: LogLevel.ALL,
    },
  });
  Validations.of(workflow).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Test fixture: Step Functions log delivery needs logs:* delivery actions on "*"; never deployed.',
  });
  const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
  const lateDlq = new Queue(stack, 'LateDlq', secure);
  const workQueue = new Queue(stack, 'LateWork', {
    ...secure,
    deadLetterQueue: { queue: lateDlq, maxReceiveCount: 3 },
  });
  const lateFunction = createOpsdeskFunction(stack, 'LateFunction', {
    entryName: 'public',
    description: 'added after the observability construct',
    config,
  });
  const template = Template.fromStack(stack);
  const alarms = alarmsOf(template);
  const stateMachineArn = { Ref: logicalIdOf(workflow) };

  it('watch every workflow for failed and timed-out executions', () => {
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(withMetric(alarms, metricName).map((alarm) => alarm.Properties)).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/States',
          Dimensions: [{ Name: 'StateMachineArn', Value: stateMachineArn }],
          Statistic: 'Sum',
          Threshold: 1,
        }),
      );
    }
  });

  it('watch a dead-letter queue for depth and a work queue for the age of its oldest message', () => {
    const queueName = (queue: Queue) => ({ 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] });
    const depthWatched = withMetric(alarms, 'ApproximateNumberOfMessagesVisible').map(dimensionRef);
    expect(depthWatched).toContainEqual(queueName(lateDlq));
    expect(depthWatched).not.toContainEqual(queueName(workQueue));
    const age = withMetric(alarms, 'ApproximateAgeOfOldestMessage');
    expect(age.map(dimensionRef)).toEqual([queueName(workQueue)]);
    expect(age[0]?.Properties.Threshold).toBe(THRESHOLDS.workQueueAgeSeconds);
  });

  it('watch a function added late like the others', () => {
    const ref = { Ref: logicalIdOf(lateFunction) };
    expect(withMetric(alarms, 'Errors').map(dimensionRef)).toContainEqual(ref);
    expect(withMetric(alarms, 'Throttles').map(dimensionRef)).toContainEqual(ref);
  });

  it('are created once even when the app is synthesised again', () => {
    app.synth();
    expect(alarmsOf(Template.fromStack(stack))).toHaveLength(alarms.length);
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotating key CloudWatch may use, and refuses plain-HTTP publishing', () => {
    const { template, stack } = synthOpsdesk({ stage: 'dev' });
    const keyId = logicalIdOf(stack.observability.alarmTopic.key);
    const topicId = logicalIdOf(stack.observability.alarmTopic.topic);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('is subscribed by the configured alarm email, and output for other subscribers', () => {
    const { template, stack } = synthOpsdesk({ stage: 'dev', alarmEmail: 'oncall@example.com' });
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { Protocol: 'email', Endpoint: 'oncall@example.com' },
      1,
    );
    expect(template.findOutputs('AlarmTopicArn').AlarmTopicArn?.Value).toEqual({
      Ref: logicalIdOf(stack.observability.alarmTopic.topic),
    });
  });

  it('has no subscriber without an alarm email, and synth warns about it', () => {
    const { template, stack } = synthOpsdesk({ stage: 'dev' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    Annotations.fromStack(stack).hasWarning(
      '/Opsdesk-dev/Observability',
      Match.stringLikeRegexp('No alarmEmail'),
    );
  });
});

/**
 * The dashboard body is JSON text with CloudFormation references spliced in; this puts it back
 * together with each reference written as `Ref:<id>` or `GetAtt:<id>.<attribute>`, and parses it.
 */
function dashboardBody(dashboard: Resource | undefined): { widgets: DashboardWidget[] } {
  const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return ref.Ref ? `Ref:${ref.Ref}` : `GetAtt:${ref['Fn::GetAtt']?.join('.')}`;
    })
    .join('');
  return JSON.parse(text);
}

interface DashboardWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly alarms?: string[];
    readonly metrics?: (string | Record<string, unknown>)[][];
  };
}

describe('dashboard', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa' });
  const [dashboard, ...others] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const { widgets } = dashboardBody(dashboard);
  const graph = (title: string) => {
    const widget = widgets.find((w) => w.properties.title?.startsWith(title));
    expect(widget, title).toBeDefined();
    return (widget?.properties.metrics ?? []).map((metric) =>
      metric.filter((part) => typeof part === 'string'),
    );
  };

  it('is one per stage and region, linked from the outputs', () => {
    expect(others).toEqual([]);
    expect(JSON.stringify(dashboard?.Properties.DashboardName)).toContain('opsdesk-qa-');
    expect(JSON.stringify(template.findOutputs('DashboardUrl').DashboardUrl?.Value)).toContain(
      '#dashboards:name=opsdesk-qa-',
    );
  });

  it('opens with the state of every alarm', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    const alarmWidget = widgets.find((widget) => widget.type === 'alarm');
    expect(widgets.indexOf(alarmWidget as DashboardWidget)).toBeLessThanOrEqual(1);
    expect(alarmWidget?.properties.alarms?.sort()).toEqual(alarmIds.map((id) => `GetAtt:${id}.Arn`).sort());
  });

  it('shows API requests, 4xx and 5xx, and latency percentiles', () => {
    const api = `Ref:${logicalIdOf(stack.api.httpApi)}`;
    expect(graph('API requests')).toEqual([['AWS/ApiGateway', 'Count', 'ApiId', api]]);
    expect(graph('API errors')).toEqual([
      ['AWS/ApiGateway', '4xx', 'ApiId', api],
      ['AWS/ApiGateway', '5xx', 'ApiId', api],
    ]);
    const latency = widgets.find((w) => w.properties.title === 'API latency (ms)')?.properties.metrics ?? [];
    expect(latency.map((metric) => (metric.at(-1) as { stat: string }).stat)).toEqual(['p50', 'p90', 'p99']);
  });

  it('shows the business metrics of this stage', () => {
    const business = [...graph('Tickets'), ...graph('SLA'), ...graph('Changes'), ...graph('Approvals')];
    expect(business).toEqual(
      BUSINESS_METRICS.map((name) => ['Opsdesk', name, 'service', 'opsdesk', 'stage', 'qa']),
    );
  });

  it('shows errors, duration and throttles of every function', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).map((id) => `Ref:${id}`);
    for (const [title, metric] of [
      ['Function errors', 'Errors'],
      ['Function duration p99', 'Duration'],
      ['Function throttles', 'Throttles'],
    ] as const) {
      const shown = graph(title);
      expect(shown.map((m) => m[1])).toEqual(functions.map(() => metric));
      expect(shown.map((m) => m[3]).sort()).toEqual([...functions].sort());
    }
  });

  it('shows the dead-letter queue depth and the stream lag', () => {
    expect(graph('Queue depth')).toContainEqual([
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'QueueName',
      `GetAtt:${logicalIdOf(stack.events.deadLetterQueue)}.QueueName`,
    ]);
    expect(graph('Event stream lag')).toEqual([
      ['AWS/Lambda', 'IteratorAge', 'FunctionName', `Ref:${logicalIdOf(stack.events.publisher)}`],
      ['AWS/Lambda', 'IteratorAge', 'FunctionName', `Ref:${logicalIdOf(stack.projections.fn)}`],
    ]);
    expect(widgets.some((w) => w.properties.title === 'Workflow executions')).toBe(true);
  });
});
