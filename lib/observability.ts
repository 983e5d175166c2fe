import { Annotations, Aspects, CfnOutput, type IAspect, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import type { StackConfig } from './config.js';
import { AlarmTopic } from './observability/alarm-topic.js';
import { createAlarms } from './observability/alarms.js';
import { createDashboard } from './observability/dashboard.js';
import { findMonitoredResources } from './observability/monitored-resources.js';

export interface ObservabilityConstructProps {
  readonly config: StackConfig;
}

/**
 * Alarms and the dashboard for everything the stack runs, routed to one alarm topic.
 *
 * The alarms are not listed by hand: at synthesis this construct walks its stack and watches every
 * Lambda function, queue, workflow, stream consumer and HTTP API it finds (see
 * observability/monitored-resources.ts for the rules). The walk runs from an aspect rather than
 * the constructor, so constructs created after this one, in any order, are covered too.
 */
export class ObservabilityConstruct extends Construct {
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: ObservabilityConstructProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { stage: config.stage, email: config.alarmEmail });
    if (!config.alarmEmail) {
      // A warning, not an error: a team may subscribe its paging tool to the topic instead.
      Annotations.of(this).addWarningV2(
        'opsdesk:noAlarmEmail',
        'No alarmEmail configured: alarms notify the topic in output AlarmTopicArn, which has no subscriber yet.',
      );
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      key: 'AlarmTopicArn',
      value: this.alarmTopic.topic.topicArn,
      description: 'SNS topic every Opsdesk alarm notifies; subscribe chat or paging tools here',
    });

    // Dashboards are global to an account: the region keeps two regions' stages apart.
    const dashboardName = `opsdesk-${config.stage}-${stack.region}`;
    new CfnOutput(this, 'DashboardUrl', {
      key: 'DashboardUrl',
      value: `https://${stack.region}.console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${dashboardName}`,
      description: 'CloudWatch dashboard of this Opsdesk stage',
    });

    Aspects.of(stack).add(
      new OnceForNode(stack, () => {
        const resources = findMonitoredResources(stack);
        const alarms = createAlarms(this, config.stage, this.alarmTopic.topic, resources);
        createDashboard(this, 'Dashboard', {
          dashboardName,
          stage: config.stage,
          resources,
          alarms: alarms.map(({ alarm }) => alarm),
        });
      }),
    );
  }
}

/**
 * Runs `build` when aspects reach `target`, and only the first time: each synthesis invokes
 * aspects again, and the alarms must not be created twice.
 */
class OnceForNode implements IAspect {
  private done = false;

  constructor(
    private readonly target: IConstruct,
    private readonly build: () => void,
  ) {}

  visit(node: IConstruct): void {
    if (node !== this.target || this.done) return;
    this.done = true;
    this.build();
  }
}
