import { SFNClient } from '@aws-sdk/client-sfn';
import type { ChangeWorkflow } from './change-workflow.js';
import { StepFunctionsWorkflow } from './step-functions-workflow.js';

/** The change workflow on Step Functions; the SFN client is built on first use, not at init. */
export function stepFunctionsWorkflow(env: { readonly STATE_MACHINE_ARN: string }): ChangeWorkflow {
  let workflow: StepFunctionsWorkflow | undefined;
  const get = (): StepFunctionsWorkflow => {
    workflow ??= new StepFunctionsWorkflow(new SFNClient({}), env.STATE_MACHINE_ARN);
    return workflow;
  };
  return {
    executionArnFor: (changeId) => get().executionArnFor(changeId),
    start: (changeId) => get().start(changeId),
    sendTaskSuccess: (token, output) => get().sendTaskSuccess(token, output),
    sendTaskFailure: (token, error, cause) => get().sendTaskFailure(token, error, cause),
    stop: (arn, cause) => get().stop(arn, cause),
  };
}
