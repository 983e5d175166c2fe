import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock/clock.js';
import { type DeadTokenReason, TaskTokenGoneError } from './change-workflow.js';

/**
 * Task tokens for the local workflow engine, which has none of its own (aws-local-stepfunctions
 * runs a `.waitForTaskToken` task like any other). Each waiting task gets a token and a promise
 * that SendTaskSuccess/SendTaskFailure settle, or the task's timeout rejects with `States.Timeout`
 * (the error Step Functions raises) once the runtime's test clock passes the deadline: timeouts
 * follow POST /_local/clock like everything else.
 */
interface Waiting {
  readonly execution: string;
  readonly deadline: number;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** How many ended tokens are remembered, to tell "timed out" from "never existed". */
const ENDED_MEMORY = 10_000;

export class LocalTaskTokens {
  private readonly waiting = new Map<string, Waiting>();
  private readonly ended = new Map<string, DeadTokenReason>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly checkEveryMs = 100,
  ) {}

  /** A new token whose promise settles with the task's output or error. */
  issue(execution: string, timeoutSeconds: number): { token: string; result: Promise<unknown> } {
    const token = `local-task-token-${randomBytes(24).toString('base64url')}`;
    const result = new Promise<unknown>((resolve, reject) => {
      this.waiting.set(token, {
        execution,
        deadline: this.clock.now().getTime() + timeoutSeconds * 1000,
        resolve,
        reject,
      });
    });
    this.watch();
    return { token, result };
  }

  succeed(token: string, output: unknown): void {
    this.take(token, 'TaskDoesNotExist').resolve(output);
  }

  fail(token: string, error: string, cause: string): void {
    this.take(token, 'TaskDoesNotExist').reject(namedError(error, cause));
  }

  /** Ends every task of an execution (stopped or shut down), so nothing keeps waiting on them. */
  endExecution(execution: string): void {
    for (const [token, waiting] of this.waiting) {
      if (waiting.execution !== execution) continue;
      this.forget(token, 'TaskDoesNotExist');
      waiting.reject(namedError('States.Aborted', `execution ${execution} stopped`));
    }
  }

  shutdown(): void {
    for (const execution of new Set([...this.waiting.values()].map((w) => w.execution)))
      this.endExecution(execution);
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private take(token: string, reasonIfUnknown: DeadTokenReason): Waiting {
    const waiting = this.waiting.get(token);
    if (!waiting) throw new TaskTokenGoneError(this.ended.get(token) ?? reasonIfUnknown);
    this.forget(token, 'TaskDoesNotExist');
    return waiting;
  }

  private forget(token: string, reason: DeadTokenReason): void {
    this.waiting.delete(token);
    this.ended.set(token, reason);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.keys().next().value!);
    if (this.waiting.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Checks deadlines against the test clock while any task waits. */
  private watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = this.clock.now().getTime();
      for (const [token, waiting] of this.waiting) {
        if (now < waiting.deadline) continue;
        this.forget(token, 'TaskTimedOut');
        waiting.reject(namedError('States.Timeout', 'the task timed out'));
      }
    }, this.checkEveryMs);
    this.timer.unref();
  }
}

/** Step Functions matches Retry and Catch on the error's name. */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
