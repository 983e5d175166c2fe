import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiConstruct } from './api.js';
import type { StackConfig } from './config.js';
import { DataConstruct } from './data.js';
import { EventsConstruct } from './events.js';
import { SeedConstruct } from './seed.js';

export interface OpsdeskStackProps extends StackProps {
  readonly config: StackConfig;
}

/** Everything one Opsdesk deployment needs, one stack per account and stage. */
export class OpsdeskStack extends Stack {
  readonly data: DataConstruct;
  readonly events: EventsConstruct;
  readonly api: ApiConstruct;
  readonly seed: SeedConstruct;

  constructor(scope: Construct, id: string, props: OpsdeskStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.data = new DataConstruct(this, 'Data', { config });
    this.events = new EventsConstruct(this, 'Events', { config, table: this.data.table });
    this.api = new ApiConstruct(this, 'Api', { config, data: this.data });
    this.seed = new SeedConstruct(this, 'Seed', { config, data: this.data });

    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
  }
}

/** `Opsdesk-<stage>`: several stages can share an account. */
export function stackName(config: StackConfig): string {
  return `Opsdesk-${config.stage}`;
}
