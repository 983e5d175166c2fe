import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { businessMetric } from './business-metric.js';
import type { MonitoredResources } from './monitored-resources.js';

/** Every alarm looks at five-minute windows: short enough to page promptly, long enough to smooth noise. */
export const ALARM_PERIOD = Duration.minutes(5);

/**
 * What each alarm fires on. Thresholds are counts per five minutes unless noted; each alarm's
 * description says what it means and points at its runbook section in docs/operations.md.
 */
export const THRESHOLDS = {
  /** Any unhandled error: handlers turn expected failures into 4xx problems, so an error is a bug or an outage. */
  functionErrors: 1,
  /** Any throttle: the account's concurrency is exhausted and requests or events are being refused. */
  functionThrottles: 1,
  /** A few 5xx together: a single one also shows as a function error when unhandled. */
  apiServerErrors: 5,
  /** Any message in a dead-letter queue is work that failed after every retry. */
  deadLetterMessages: 1,
  /** Seconds the oldest message of a work queue may wait before its consumer counts as stuck. */
  workQueueAgeSeconds: 15 * 60,
  /** Any failed or timed-out workflow execution. */
  workflowFailures: 1,
  /** Milliseconds a stream consumer may lag: events more than five minutes late. */
  streamLagMs: 5 * 60 * 1000,
  /** Any SLA breach (docs/operations.md#sla-breaches): somebody missed a response or resolution target. */
  slaBreaches: 1,
} as const;

const RUNBOOK = 'docs/operations.md';

/** Each kind is also the anchor of its runbook section in docs/operations.md. */
export const ALARM_KINDS = [
  'function-errors',
  'function-throttles',
  'api-5xx',
  'dead-letter-queue',
  'work-queue-age',
  'workflow-failures',
  'stream-lag',
  'sla-breaches',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

export interface OpsdeskAlarm {
  readonly kind: AlarmKind;
  readonly alarm: Alarm;
}

interface AlarmSpec {
  readonly kind: AlarmKind;
  /** Construct id and alarm-name suffix; unique within the stack. */
  readonly name: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
}

/** One alarm per failure signal of every monitored resource, all notifying the topic (alarm and recovery). */
export function createAlarms(
  scope: Construct,
  stage: string,
  topic: ITopic,
  resources: MonitoredResources,
): OpsdeskAlarm[] {
  const action = new SnsAction(topic);
  return alarmSpecs(stage, resources).map((spec) => {
    const alarm = new Alarm(scope, spec.name, {
      alarmName: `opsdesk-${stage}-${spec.name}`,
      alarmDescription: `${spec.description} Runbook: ${RUNBOOK}#${spec.kind}`,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened (no invocations, an empty queue): that is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return { kind: spec.kind, alarm };
  });
}

function alarmSpecs(stage: string, resources: MonitoredResources): AlarmSpec[] {
  const sum = { period: ALARM_PERIOD, statistic: Stats.SUM };
  const max = { period: ALARM_PERIOD, statistic: Stats.MAXIMUM };
  const specs: AlarmSpec[] = [];

  for (const { resource: fn, label } of resources.functions) {
    specs.push(
      {
        kind: 'function-errors',
        name: `${slug(label)}-errors`,
        description: `Function ${label} failed with an unhandled error or timed out.`,
        metric: fn.metricErrors(sum),
        threshold: THRESHOLDS.functionErrors,
      },
      {
        kind: 'function-throttles',
        name: `${slug(label)}-throttles`,
        description: `Function ${label} was throttled: invocations were refused for lack of concurrency.`,
        metric: fn.metricThrottles(sum),
        threshold: THRESHOLDS.functionThrottles,
      },
    );
  }
  for (const { resource: api, label } of resources.httpApis) {
    specs.push({
      kind: 'api-5xx',
      name: `${slug(label)}-5xx`,
      description: `The HTTP API answered ${THRESHOLDS.apiServerErrors} or more requests with a 5xx within five minutes.`,
      metric: api.metricServerError(sum),
      threshold: THRESHOLDS.apiServerErrors,
    });
  }
  for (const { resource: queue, label } of resources.deadLetterQueues) {
    specs.push({
      kind: 'dead-letter-queue',
      name: `${slug(label)}-messages`,
      description: `Dead-letter queue ${label} holds messages: work that failed after every retry.`,
      metric: queue.metricApproximateNumberOfMessagesVisible(max),
      threshold: THRESHOLDS.deadLetterMessages,
    });
  }
  for (const { resource: queue, label } of resources.workQueues) {
    specs.push({
      kind: 'work-queue-age',
      name: `${slug(label)}-age`,
      description: `Queue ${label} has held a message for over ${THRESHOLDS.workQueueAgeSeconds / 60} minutes: its consumer is stuck.`,
      metric: queue.metricApproximateAgeOfOldestMessage(max),
      threshold: THRESHOLDS.workQueueAgeSeconds,
    });
  }
  for (const { resource: stateMachine, label } of resources.stateMachines) {
    const executions = (metricName: string) => stateMachineMetric(stateMachine.ref, metricName);
    specs.push(
      {
        kind: 'workflow-failures',
        name: `${slug(label)}-failed`,
        description: `Workflow ${label} had failed executions (the workflow broke; a change whose implementation failed ends normally).`,
        metric: executions('ExecutionsFailed'),
        threshold: THRESHOLDS.workflowFailures,
      },
      {
        kind: 'workflow-failures',
        name: `${slug(label)}-timed-out`,
        description: `Workflow ${label} had executions that hit their overall timeout.`,
        metric: executions('ExecutionsTimedOut'),
        threshold: THRESHOLDS.workflowFailures,
      },
    );
  }
  for (const { resource: fn, label } of resources.streamConsumers) {
    specs.push({
      kind: 'stream-lag',
      name: `${slug(label)}-lag`,
      description: `Stream consumer ${label} is more than ${THRESHOLDS.streamLagMs / 60_000} minutes behind: domain events are late.`,
      metric: fn.metric('IteratorAge', max),
      threshold: THRESHOLDS.streamLagMs,
    });
  }
  specs.push({
    kind: 'sla-breaches',
    name: 'sla-breaches',
    description: 'A ticket breached its first-response or resolution SLA target.',
    metric: businessMetric(stage, 'SlaBreaches', { period: ALARM_PERIOD }),
    threshold: THRESHOLDS.slaBreaches,
  });
  return specs;
}

/**
 * A Step Functions execution metric, built from the ARN so L1-only state machines get one too
 * (`Ref` of a state machine is its ARN).
 */
export function stateMachineMetric(stateMachineArn: string, metricName: string): Metric {
  return new Metric({
    namespace: 'AWS/States',
    metricName,
    dimensionsMap: { StateMachineArn: stateMachineArn },
    period: ALARM_PERIOD,
    statistic: Stats.SUM,
  });
}

/** Construct ids and alarm names: `Api/TicketsFunction` → `Api-TicketsFunction`. */
export function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9-]+/g, '-');
}
