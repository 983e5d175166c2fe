import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { buildApp, type OpsdeskApp } from '../../lib/app.js';

export interface SynthesisedOpsdesk extends OpsdeskApp {
  readonly template: Template;
}

/**
 * The app exactly as `cdk synth` builds it (cdk-nag included), minus esbuild bundling and the
 * slow built-in CloudFormation validation. `Template.fromStack` synthesises, so cdk-nag findings
 * make this throw.
 */
export function synthOpsdesk(context: Record<string, unknown> = {}): SynthesisedOpsdesk {
  const built = buildApp({ context, skipBundling: true, builtinCloudFormationValidation: false });
  return { ...built, template: Template.fromStack(built.stack) };
}

/** Logical id of a construct's CloudFormation resource (an L2 or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnFunction;
  return Stack.of(construct).getLogicalId(resource);
}

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of the inline policies attached to a role, by the role's logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
