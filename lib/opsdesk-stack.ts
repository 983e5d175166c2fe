import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlertsConstruct } from './alerts.js';
import { ApiConstruct } from './api.js';
import { ChangesConstruct } from './changes.js';
import { CHANGES_CONSTRUCT_ID } from './changes-ids.js';
import { CmdbConstruct } from './cmdb.js';
import type { StackConfig } from './config.js';
import { CsatConstruct } from './csat.js';
import { DataConstruct } from './data.js';
import { EmailConstruct } from './email.js';
import { EventsConstruct } from './events.js';
import { ObservabilityConstruct } from './observability.js';
import { ProblemsConstruct } from './problems.js';
import { ProjectionsConstruct } from './projections.js';
import { ReportsConstruct } from './reports.js';
import { SearchConstruct } from './search.js';
import { SeedConstruct } from './seed.js';
import { SlaConstruct } from './sla.js';
import { StorageConstruct } from './storage.js';

export interface OpsdeskStackProps extends StackProps {
  readonly config: StackConfig;
}

/** Everything one Opsdesk deployment needs, one stack per account and stage. */
export class OpsdeskStack extends Stack {
  readonly data: DataConstruct;
  readonly events: EventsConstruct;
  readonly api: ApiConstruct;
  readonly seed: SeedConstruct;
  readonly sla: SlaConstruct;
  readonly changes: ChangesConstruct;
  readonly cmdb: CmdbConstruct;
  readonly problems: ProblemsConstruct;
  readonly search: SearchConstruct;
  readonly projections: ProjectionsConstruct;
  readonly reports: ReportsConstruct;
  readonly alerts: AlertsConstruct;
  readonly observability: ObservabilityConstruct;
  readonly storage: StorageConstruct;
  readonly email?: EmailConstruct;
  readonly csat: CsatConstruct;

  constructor(scope: Construct, id: string, props: OpsdeskStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.data = new DataConstruct(this, 'Data', { config });
    this.events = new EventsConstruct(this, 'Events', { config, table: this.data.table });
    this.api = new ApiConstruct(this, 'Api', { config, data: this.data });
    this.seed = new SeedConstruct(this, 'Seed', { config, data: this.data });
    this.sla = new SlaConstruct(this, 'Sla', { config, data: this.data });
    this.changes = new ChangesConstruct(this, CHANGES_CONSTRUCT_ID, {
      config,
      data: this.data,
      apiFunction: this.api.functions.changes,
    });

    this.cmdb = new CmdbConstruct(this, 'Cmdb', { config, data: this.data, bus: this.events.bus });
    this.problems = new ProblemsConstruct(this, 'Problems', {
      config,
      data: this.data,
      bus: this.events.bus,
    });
    this.search = new SearchConstruct(this, 'Search', { config, data: this.data, bus: this.events.bus });
    // Queue counts and report aggregates: the stream's second reader (the publisher is the first).
    this.projections = new ProjectionsConstruct(this, 'Projections', { config, data: this.data });
    this.reports = new ReportsConstruct(this, 'Reports', {
      config,
      data: this.data,
      bus: this.events.bus,
      apiFunction: this.api.functions.reports,
    });
    // CloudWatch alarms of this account, from the default bus, straight into alert intake.
    this.alerts = new AlertsConstruct(this, 'Alerts', { config, intake: this.api.functions.alerts });

    this.storage = new StorageConstruct(this, 'Storage', {
      config,
      attachmentsFunction: this.api.functions.attachments,
    });
    // Email to ticket exists only with a domain to receive and send for (docs/email.md).
    if (config.emailDomain) {
      this.email = new EmailConstruct(this, 'Email', {
        config: { ...config, emailDomain: config.emailDomain },
        data: this.data,
        bus: this.events.bus,
        storage: this.storage,
      });
      // SLA and change approval notices are events too: the notifier mails them, nothing else sends.
    }

    // Surveys are issued with or without mail: without an email domain requesters answer on the ticket.
    this.csat = new CsatConstruct(this, 'Csat', {
      config,
      data: this.data,
      bus: this.events.bus,
      apiBaseUrl: this.api.stage.url,
      ...(this.email ? { emailSettings: this.email.settings } : {}),
    });

    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });

    // Alarms and dashboard cover every construct of the stack, wherever it is created: the
    // construct discovers them at synthesis. Last here by convention, as the stack's overview.
    this.observability = new ObservabilityConstruct(this, 'Observability', { config });
  }
}

/** `Opsdesk-<stage>`: several stages can share an account. */
export function stackName(config: StackConfig): string {
  return `Opsdesk-${config.stage}`;
}
