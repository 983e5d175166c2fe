import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { type ChangeWorkflow, TaskTokenGoneError } from './change-workflow.js';

/** SendTaskFailure caps `cause` at 32,768 characters. */
const MAX_CAUSE = 32_768;

/**
 * The change workflow on AWS: one Standard execution per change, named after the change id, so
 * starting twice is harmless and the execution ARN is known before it starts.
 */
export class StepFunctionsWorkflow implements ChangeWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  executionArnFor(changeId: string): string {
    // arn:aws:states:<region>:<account>:stateMachine:<name> → …:execution:<name>:<execution name>
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${changeId}`;
  }

  async start(changeId: string): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: changeId,
          input: JSON.stringify({ changeId }),
        }),
      );
    } catch (error) {
      // Same name and input as a running execution is answered with success; a finished one with this.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    await this.completing(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.completing(() =>
      this.client.send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, MAX_CAUSE) })),
    );
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, MAX_CAUSE) }));
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }

  private async completing(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (error instanceof TaskTimedOut) throw new TaskTokenGoneError('TaskTimedOut');
      if (error instanceof TaskDoesNotExist) throw new TaskTokenGoneError('TaskDoesNotExist');
      if (error instanceof InvalidToken) throw new TaskTokenGoneError('InvalidToken');
      throw error;
    }
  }
}
