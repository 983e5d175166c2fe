import { type Stack, Token } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnEventSourceMapping, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import type { IConstruct } from 'constructs';

/** A resource to watch, with a label people recognise: its construct path inside the stack. */
export interface Monitored<T> {
  readonly resource: T;
  readonly label: string;
}

/**
 * What the stack runs that can fail, found by walking its construct tree. Nothing is registered by
 * hand, so a function, queue or workflow another construct adds is watched without anyone
 * remembering to: the walk runs at synthesis (lib/observability.ts), after every construct exists.
 */
export interface MonitoredResources {
  readonly functions: readonly Monitored<LambdaFunction>[];
  /** Queues with no dead-letter queue of their own: the end of a failure path, so any message is a failure. */
  readonly deadLetterQueues: readonly Monitored<Queue>[];
  /** Queues that hand work on (they have a DLQ): a message waiting too long means a stuck consumer. */
  readonly workQueues: readonly Monitored<Queue>[];
  /** L1, so workflows built from an ASL file (CfnStateMachine alone) are found as well as L2 ones. */
  readonly stateMachines: readonly Monitored<CfnStateMachine>[];
  /** Functions reading a stream (DynamoDB, Kinesis), whose lag is their IteratorAge. */
  readonly streamConsumers: readonly Monitored<LambdaFunction>[];
  readonly httpApis: readonly Monitored<HttpApi>[];
}

export function findMonitoredResources(stack: Stack): MonitoredResources {
  const all = stack.node.findAll();
  const labelled = <T extends IConstruct>(resource: T): Monitored<T> => ({
    resource,
    label: labelOf(stack, resource),
  });
  const functions = all.filter((c): c is LambdaFunction => c instanceof LambdaFunction).map(labelled);
  const queues = all.filter((c): c is Queue => c instanceof Queue).map(labelled);

  // Only stream sources have a starting position; SQS sources' lag is the queue's age alarm.
  const streamFunctionRefs = new Set(
    all
      .filter((c): c is CfnEventSourceMapping => c instanceof CfnEventSourceMapping)
      .filter((mapping) => mapping.startingPosition !== undefined)
      .map((mapping) => refOf(stack, mapping.functionName)),
  );

  return {
    functions,
    deadLetterQueues: queues.filter(({ resource }) => resource.deadLetterQueue === undefined),
    workQueues: queues.filter(({ resource }) => resource.deadLetterQueue !== undefined),
    stateMachines: all.filter((c): c is CfnStateMachine => c instanceof CfnStateMachine).map(labelled),
    streamConsumers: functions.filter(({ resource }) =>
      streamFunctionRefs.has(refOf(stack, resource.functionName)),
    ),
    httpApis: all.filter((c): c is HttpApi => c instanceof HttpApi).map(labelled),
  };
}

/**
 * `Api/TicketsFunction`, or the parent's path for an L1 inside an L2 (`Changes/Workflow`, not
 * `Changes/Workflow/Resource`).
 */
function labelOf(stack: Stack, construct: IConstruct): string {
  const node = construct.node.id === 'Resource' && construct.node.scope ? construct.node.scope : construct;
  const label = node.node.path.slice(stack.node.path.length + 1);
  // AwsCustomResource's shared handler is a singleton named `AWS<uuid>`: say what it is instead.
  return label === AWS_CUSTOM_RESOURCE_HANDLER_ID ? 'AwsCustomResourceHandler' : label;
}

const AWS_CUSTOM_RESOURCE_HANDLER_ID = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/** A function name or ARN token, resolved to its `{Ref: …}` form so two spellings compare equal. */
function refOf(stack: Stack, value: string): string {
  return Token.isUnresolved(value) ? JSON.stringify(stack.resolve(value)) : value;
}
