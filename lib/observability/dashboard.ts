import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { BUSINESS_METRICS } from '../../functions/shared/observability/business-metrics.js';
import { stateMachineMetric } from './alarms.js';
import { businessMetric } from './business-metric.js';
import type { MonitoredResources } from './monitored-resources.js';

const FULL_WIDTH = 24;
const HEIGHT = 6;

export interface OpsdeskDashboardProps {
  readonly dashboardName: string;
  readonly stage: string;
  readonly resources: MonitoredResources;
  readonly alarms: readonly Alarm[];
}

/**
 * One page for on-call, top to bottom: what is alarming, what users see (API), what the service
 * does (business metrics), then the plumbing (functions, queues, workflows, the event stream).
 */
export function createDashboard(scope: Construct, id: string, props: OpsdeskDashboardProps): Dashboard {
  const { resources, stage } = props;
  const rows: IWidget[][] = [
    [
      new TextWidget({
        markdown: `# Opsdesk ${stage}\nAlarms notify the stack's alarm topic. Runbook: \`docs/operations.md\` in the Opsdesk repository.`,
        width: FULL_WIDTH,
        height: 2,
      }),
    ],
    [
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.alarms],
        sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        width: FULL_WIDTH,
        height: 4,
      }),
    ],
    apiRow(resources),
    businessRow(stage),
    functionRow(resources),
    [queueWidget(resources), workflowWidget(resources), streamWidget(resources)],
  ];
  return new Dashboard(scope, id, {
    dashboardName: props.dashboardName,
    defaultInterval: Duration.hours(6),
    widgets: rows,
  });
}

function apiRow({ httpApis }: MonitoredResources): IWidget[] {
  const per = <T>(make: (api: MonitoredResources['httpApis'][number]) => T[]) => httpApis.flatMap(make);
  return [
    graph(
      'API requests',
      per(({ resource }) => [resource.metricCount({ statistic: Stats.SUM, label: 'requests' })]),
    ),
    graph(
      'API errors',
      per(({ resource }) => [
        resource.metricClientError({ statistic: Stats.SUM, label: '4xx' }),
        resource.metricServerError({ statistic: Stats.SUM, label: '5xx' }),
      ]),
    ),
    graph(
      'API latency (ms)',
      per(({ resource }) =>
        [Stats.p(50), Stats.p(90), Stats.p(99)].map((statistic) =>
          resource.metricLatency({ statistic, label: statistic }),
        ),
      ),
    ),
  ];
}

function businessRow(stage: string): IWidget[] {
  const metrics = (names: readonly (typeof BUSINESS_METRICS)[number][]) =>
    names.map((name) => businessMetric(stage, name, { label: name, period: Duration.hours(1) }));
  const quarter = FULL_WIDTH / 4;
  return [
    graph('Tickets (per hour)', metrics(['TicketsCreated', 'TicketsResolved']), quarter),
    graph('SLA (per hour)', metrics(['SlaWarnings', 'SlaBreaches']), quarter),
    graph('Changes (per hour)', metrics(['ChangesSubmitted', 'ChangesApproved', 'ChangesRejected']), quarter),
    graph(
      'Approvals (per hour)',
      metrics(['ApprovalsGranted', 'ApprovalsRejected', 'ApprovalsEscalated', 'ApprovalsExpired']),
      quarter,
    ),
  ];
}

function functionRow({ functions }: MonitoredResources): IWidget[] {
  const per = (make: (fn: MonitoredResources['functions'][number]) => IMetric) => functions.map(make);
  return [
    graph(
      'Function errors',
      per(({ resource, label }) => resource.metricErrors({ statistic: Stats.SUM, label })),
    ),
    graph(
      'Function duration p99 (ms)',
      per(({ resource, label }) => resource.metricDuration({ statistic: Stats.p(99), label })),
    ),
    graph(
      'Function throttles',
      per(({ resource, label }) => resource.metricThrottles({ statistic: Stats.SUM, label })),
    ),
  ];
}

function queueWidget({ deadLetterQueues, workQueues }: MonitoredResources): IWidget {
  return graph('Queue depth (dead-letter and work queues)', [
    ...[...deadLetterQueues, ...workQueues].map(({ resource, label }) =>
      resource.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, label }),
    ),
  ]);
}

function workflowWidget({ stateMachines }: MonitoredResources): IWidget {
  return graph(
    'Workflow executions',
    stateMachines.flatMap(({ resource, label }) =>
      ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut'].map((name) =>
        stateMachineMetric(resource.ref, name).with({ label: `${label} ${name.replace('Executions', '')}` }),
      ),
    ),
  );
}

function streamWidget({ streamConsumers }: MonitoredResources): IWidget {
  return graph(
    'Event stream lag (iterator age, ms)',
    streamConsumers.map(({ resource, label }) =>
      resource.metric('IteratorAge', { statistic: Stats.MAXIMUM, label }),
    ),
  );
}

function graph(title: string, metrics: IMetric[], width = FULL_WIDTH / 3): GraphWidget {
  return new GraphWidget({
    title,
    left: metrics,
    width,
    height: HEIGHT,
  });
}
