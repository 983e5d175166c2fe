import { CHANGE_TASK_FUNCTION_ID, CHANGES_CONSTRUCT_ID } from '../../lib/changes-ids.js';
import { LOCAL_REGION } from './aws-clients.js';

/**
 * The change workflow's definition as the local runtime runs it: the very state machine `cdk
 * synth` produces, taken from the synthesised template with its CloudFormation tokens resolved to
 * local names. (workflow-definition-cache.ts synthesises and caches it.)
 */
export type { StateMachineDefinition } from '../../functions/changes/workflow/local-workflow.js';

import type {
  LocalWorkflowNames,
  StateMachineDefinition,
} from '../../functions/changes/workflow/local-workflow.js';

/** Account id the local runtime's ARNs carry. */
export const LOCAL_ACCOUNT = '000000000000';

/** The local name of the change task function, as task states name it after resolution. */
export const LOCAL_TASK_FUNCTION_NAME = `${CHANGES_CONSTRUCT_ID}-${CHANGE_TASK_FUNCTION_ID}`;

/** Finds the one state machine of a synthesised template and resolves its definition string. */
export function definitionFromTemplate(template: CloudFormationTemplate): StateMachineDefinition {
  const machines = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1)
    throw new Error(`expected one state machine in the template, found ${machines.length}`);
  const [id, machine] = machines[0]!;
  const text = resolveTokens(machine.Properties?.DefinitionString, template, id);
  if (typeof text !== 'string') throw new Error(`the DefinitionString of ${id} did not resolve to text`);
  return JSON.parse(text) as StateMachineDefinition;
}

export interface CloudFormationTemplate {
  readonly Resources: Record<
    string,
    {
      readonly Type: string;
      readonly Properties?: Record<string, unknown>;
      readonly Metadata?: Record<string, unknown>;
    }
  >;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Resolves the intrinsic functions CDK puts in a definition: Fn::Join, pseudo-parameter Refs and
 * the ARN of a Lambda function (to a local ARN named after its construct path). Anything else
 * fails loudly: running a definition with an unresolved token would only fail later and obscurely.
 */
export function resolveTokens(value: unknown, template: CloudFormationTemplate, where: string): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveTokens(item, template, where));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [fn, args] = entries[0] ?? [];
  if (entries.length === 1 && fn === 'Fn::Join') {
    const [separator, parts] = args as [string, unknown[]];
    return parts.map((part) => resolveTokens(part, template, where)).join(separator);
  }
  if (entries.length === 1 && fn === 'Ref') {
    const resolved = PSEUDO_PARAMETERS[args as string];
    if (resolved === undefined) throw new Error(`${where}: no local value for Ref ${String(args)}`);
    return resolved;
  }
  if (entries.length === 1 && fn === 'Fn::GetAtt') {
    const [logicalId, attribute] = args as [string, string];
    const resource = template.Resources[logicalId];
    if (resource?.Type !== 'AWS::Lambda::Function' || attribute !== 'Arn') {
      throw new Error(`${where}: no local value for Fn::GetAtt ${logicalId}.${attribute}`);
    }
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionName(resource, logicalId)}`;
  }
  if (fn?.startsWith('Fn::')) throw new Error(`${where}: no local resolution for ${fn}`);
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveTokens(item, template, where)]));
}

/** `Opsdesk-dev/Changes/TaskFunction/Resource` → `Changes-TaskFunction`. */
function localFunctionName(resource: CloudFormationTemplate['Resources'][string], logicalId: string): string {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') throw new Error(`function ${logicalId} carries no aws:cdk:path metadata`);
  return path.split('/').slice(1, -1).join('-');
}

/** The names the resolved definition uses, for the local workflow engine. */
export const LOCAL_WORKFLOW_NAMES: LocalWorkflowNames = {
  region: LOCAL_REGION,
  account: LOCAL_ACCOUNT,
  taskFunctionName: LOCAL_TASK_FUNCTION_NAME,
};
