import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { SEED_ENVIRONMENT } from '../functions/seed/function.js';
import { defaultGroupsOf, type StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

export interface SeedConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
}

/**
 * Seeds the default records (groups, including the stack's default groups for unrouted tickets)
 * on the first deploy and again on every update of the
 * resource, through a CloudFormation custom resource whose handler is functions/seed/entry.ts.
 */
export class SeedConstruct extends Construct {
  readonly handler: NodejsFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: SeedConstructProps) {
    super(scope, id);
    const { config, data } = props;

    this.handler = createOpsdeskFunction(this, 'Function', {
      entryName: 'seed',
      description: 'Opsdesk: seeds default records into the table on deploy',
      config,
      environment: environmentFor(SEED_ENVIRONMENT, {
        TABLE_NAME: data.table.tableName,
        DEFAULT_GROUPS: defaultGroupsOf(config).join(','),
      }),
      timeout: Duration.minutes(1),
    });
    const { handler } = this;
    const cfnHandler = handler.node.defaultChild as CfnFunction;
    // It seeds through the same repositories as the request handlers, so it gets the same item access.
    data.grantRequestPathAccess(handler);

    // The provider framework's own function gets an explicit role and log group, so it carries no
    // AWS managed policy and its logs expire like the others.
    const frameworkRole = new Role(this, 'ProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the Opsdesk seed custom-resource provider',
    });
    const frameworkLogs = new LogGroup(this, 'ProviderLogs', {
      retention: config.logRetentionDays,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new Provider(this, 'Provider', {
      onEventHandler: handler,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogs,
    });
    const handlerLogicalId = Stack.of(this).getLogicalId(cfnHandler);
    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${handlerLogicalId}.Arn>:*]`,
      reason:
        'The provider framework may invoke the seed function and its versions or aliases (`<arn>:*`); the ' +
        'wildcard is a qualifier of this one function, added by aws-cdk-lib/custom-resources Provider.',
    });

    this.resource = new CustomResource(this, 'Defaults', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::OpsdeskSeed',
      properties: {
        TableName: data.table.tableName,
        // The bundle's asset key changes with the seed code and its defaults, so a deploy that changes
        // them sends an Update and the (idempotent) seed runs again; otherwise it runs on Create only.
        SeedCode: (cfnHandler.code as CfnFunction.CodeProperty).s3Key,
        // A new default group in the config is seeded by the next deploy, too.
        DefaultGroups: defaultGroupsOf(config).join(','),
      },
    });
  }
}
