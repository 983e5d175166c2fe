/**
 * The change workflow as the API sees it. AWS: Step Functions (adapters/sfn); locally: the same
 * state machine definition run in-process (bin/local/workflow.ts). Task tokens travel only between
 * the server and this port, never through a URL or a response.
 */
export interface ChangeWorkflow {
  /** The execution a change will run as (deterministic: execution name = change id). */
  executionArnFor(changeId: string): string;
  /** Starts the change's execution; starting an already started one is a no-op. */
  start(changeId: string): Promise<void>;
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
  /** Stops a running execution (cancellation); an execution already ended is fine. */
  stop(executionArn: string, cause: string): Promise<void>;
}

/** Why a task token can no longer be completed (the Step Functions error names). */
export type DeadTokenReason = 'TaskDoesNotExist' | 'InvalidToken' | 'TaskTimedOut';

/** The token's task has ended (timed out, answered, or its execution stopped): the answer did not count. */
export class TaskTokenGoneError extends Error {
  constructor(readonly reason: DeadTokenReason) {
    super(`the task token can no longer be completed (${reason})`);
    this.name = 'TaskTokenGoneError';
  }
}

/** The change workflow (Step Functions on AWS, the same definition run in-process locally). */
export interface WorkflowDeps {
  readonly workflow: ChangeWorkflow;
}
