import { SFNClient } from '@aws-sdk/client-sfn';
import type { ChangeWorkflow } from './change-workflow.js';
import { StepFunctionsWorkflow } from './step-functions-workflow.js';

/**
 * The change workflow for the changes function, built on first use from STATE_MACHINE_ARN (the
 * stack sets it after the state machine exists, so it is read at call time, not at import).
 */
export function stepFunctionsWorkflowFromEnv(env: NodeJS.ProcessEnv = process.env): ChangeWorkflow {
  let workflow: StepFunctionsWorkflow | undefined;
  const get = (): StepFunctionsWorkflow => {
    if (!workflow) {
      const arn = env.STATE_MACHINE_ARN;
      if (!arn) throw new Error('environment variable STATE_MACHINE_ARN is not set');
      workflow = new StepFunctionsWorkflow(new SFNClient({}), arn);
    }
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
