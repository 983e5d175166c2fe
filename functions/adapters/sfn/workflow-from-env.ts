import { SFNClient } from '@aws-sdk/client-sfn';
import type { ChangeWorkflow } from '../../ports/workflow.js';
import { StepFunctionsWorkflow } from './step-functions-workflow.js';

/**
 * The change workflow for a Lambda, built on first use from STATE_MACHINE_ARN: every HTTP function
 * shares one dependency set, and only the changes function has (and needs) the state machine.
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
