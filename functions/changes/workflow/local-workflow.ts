import type {
  StateMachineDefinition as EngineDefinition,
  ExecutionAbortedError,
  RunOptions,
  StateMachine,
} from 'aws-local-stepfunctions';
import type { Clock } from '../../shared/clock/clock.js';
import type { TableDeps } from '../../shared/wiring/deps.js';
import type { ChangeWorkflow } from './change-workflow.js';
import { LocalTaskTokens } from './local-task-tokens.js';
import type { ChangeTaskHandler } from './tasks-handler.js';

/**
 * The change workflow on this machine: the state machine the CDK stack synthesises, run by
 * aws-local-stepfunctions, behind the same port as Step Functions. Task states invoke the same
 * task handler the Lambda runs; `.waitForTaskToken` states get tokens from LocalTaskTokens, which
 * SendTaskSuccess/SendTaskFailure complete and the test clock times out. Wait states last
 * `pollMs` of real time: the definition re-checks after each Wait whether `plannedStart` has come
 * (by the step's clock), so a Wait follows the test clock within a poll (docs/changes.md).
 */
export interface LocalWorkflowOptions {
  readonly clock: Clock;
  readonly log: { error(message: string, error?: unknown): void };
  /** Real time a Wait state lasts. Default OPSDESK_WORKFLOW_POLL_MS, else 1000 ms. */
  readonly pollMs?: number;
  /** The definition to run: the one `cdk synth` produces, resolved to local names (bin/local). */
  readonly definition: () => Promise<StateMachineDefinition>;
  /** The names that resolved definition uses. */
  readonly names: LocalWorkflowNames;
}

/** A state machine definition (ASL) as JSON. */
export type StateMachineDefinition = Record<string, unknown> & {
  readonly StartAt: string;
  readonly States: Record<string, Record<string, unknown>>;
};

export interface LocalWorkflowNames {
  readonly region: string;
  readonly account: string;
  /** The task function's name in the definition's task resources. */
  readonly taskFunctionName: string;
}

/** Where `$$.Task.Token` resolves to; each waiting task swaps it for a fresh token. */
const TOKEN_PLACEHOLDER = '$$.Task.Token (local placeholder)';
const STATE_MACHINE_NAME = 'opsdesk-changes-local';
/** Execution events kept per execution (a scheduling loop adds a few per poll). */
const EVENTS_KEPT = 500;

type StateDefinition = Record<string, unknown>;
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type TaskOverride = (input: unknown) => Promise<unknown>;
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export interface LocalExecutionEvent {
  readonly type: EventLog['type'];
  readonly state?: string;
  readonly error?: string;
  readonly at: string;
}

interface LocalExecution {
  readonly abort: () => void;
  readonly events: LocalExecutionEvent[];
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
}

export class LocalChangeWorkflow implements ChangeWorkflow {
  private readonly executions = new Map<string, LocalExecution>();
  private readonly tokens: LocalTaskTokens;
  private readonly pollMs: number;
  private readonly machine: Promise<{
    definition: StateMachineDefinition;
    stateMachine: StateMachine;
    ExecutionAborted: typeof ExecutionAbortedError;
  }>;
  private tasks: Promise<ChangeTaskHandler> | undefined;
  private stopped = false;

  constructor(private readonly options: LocalWorkflowOptions) {
    this.tokens = new LocalTaskTokens(options.clock);
    this.pollMs = options.pollMs ?? (Number(process.env.OPSDESK_WORKFLOW_POLL_MS) || 1000);
    // Loaded from the start, in the background (the engine and the definition take a second or more
    // on a cold cache), so the runtime starts as fast as before and the first change rarely waits.
    this.machine = Promise.all([import('aws-local-stepfunctions'), options.definition()]).then(
      ([engine, definition]) => ({
        definition,
        stateMachine: new engine.StateMachine(definition as unknown as EngineDefinition),
        ExecutionAborted: engine.ExecutionAbortedError,
      }),
    );
    this.machine.catch((error: unknown) => {
      if (!this.stopped) options.log.error('the change workflow definition failed to load', error);
    });
  }

  /** Plugs in the task handler, built from the runtime's dependencies like the Lambda's. */
  bind(deps: TableDeps): void {
    this.tasks = import('./tasks.function.js').then((m) => m.assembleChangeTasks(deps));
  }

  /** Resolves once the definition is loaded and the engine can run it. */
  async ready(): Promise<void> {
    await this.machine;
  }

  executionArnFor(changeId: string): string {
    return `arn:aws:states:${this.options.names.region}:${this.options.names.account}:execution:${STATE_MACHINE_NAME}:${changeId}`;
  }

  async start(changeId: string): Promise<void> {
    const { definition, stateMachine, ExecutionAborted } = await this.machine;
    if (this.stopped) throw new Error('the local change workflow is shut down');
    if (this.executions.has(changeId)) return; // execution names are unique, as on AWS
    const run = stateMachine.run(
      { changeId },
      {
        overrides: {
          // Task results are JSON (the handler's return value, as Lambda would serialise it).
          taskResourceLocalHandlers: this.taskOverrides(definition, changeId) as TaskHandlers,
          waitTimeOverrides: Object.fromEntries(
            statesOfType(definition, 'Wait').map((name) => [name, this.pollMs]),
          ),
        },
        context: { Task: { Token: TOKEN_PLACEHOLDER } },
      },
    );
    const execution: LocalExecution = { abort: run.abort, events: [], status: 'RUNNING' };
    this.executions.set(changeId, execution);
    void this.record(execution, run.eventLogs);
    run.result.then(
      () => {
        execution.status = 'SUCCEEDED';
      },
      (error: unknown) => {
        if (error instanceof ExecutionAborted) return;
        execution.status = 'FAILED';
        this.options.log.error(`change workflow execution ${changeId} failed`, error);
      },
    );
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    this.tokens.succeed(taskToken, output);
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    this.tokens.fail(taskToken, error, cause);
  }

  async stop(executionArn: string, _cause: string): Promise<void> {
    const name = executionArn.split(':').pop()!;
    const execution = this.executions.get(name);
    if (execution?.status !== 'RUNNING') return;
    execution.status = 'ABORTED';
    execution.abort();
    this.tokens.endExecution(name);
  }

  /** The execution's state transitions so far, oldest first (what the console shows on AWS). */
  describe(
    changeId: string,
  ): { status: LocalExecution['status']; events: LocalExecutionEvent[] } | undefined {
    const execution = this.executions.get(changeId);
    return execution && { status: execution.status, events: [...execution.events] };
  }

  /** Aborts every execution (the runtime is stopping). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const [name, execution] of this.executions) {
      if (execution.status === 'RUNNING') await this.stop(this.executionArnFor(name), 'shutdown');
    }
    this.tokens.shutdown();
  }

  /** One local handler per Task state, by its Resource (the same resolution Step Functions does). */
  private taskOverrides(definition: StateMachineDefinition, execution: string): Record<string, TaskOverride> {
    const overrides: Record<string, TaskOverride> = {};
    for (const [name, state] of allStates(definition)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith(':states:::lambda:invoke')) {
        overrides[name] = async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
          return {
            ExecutedVersion: '$LATEST',
            StatusCode: 200,
            Payload: await this.invoke(FunctionName, Payload),
          };
        };
      } else if (resource.endsWith(':states:::lambda:invoke.waitForTaskToken')) {
        overrides[name] = (input) => this.waitForToken(execution, state, input);
      } else {
        throw new Error(`state ${name}: no local implementation of resource ${resource}`);
      }
    }
    return overrides;
  }

  /** Invokes the function with a fresh token in place of `$$.Task.Token`, then waits for the token. */
  private async waitForToken(execution: string, state: StateDefinition, input: unknown): Promise<unknown> {
    const { token, result } = this.tokens.issue(execution, timeoutSecondsOf(state, input));
    // The token's promise may settle (timeout, stop) before we await it: never an unhandled rejection.
    result.catch(() => undefined);
    const { FunctionName, Payload } = replacePlaceholder(input, token) as {
      FunctionName: string;
      Payload: unknown;
    };
    try {
      await this.invoke(FunctionName, Payload);
    } catch (error) {
      this.tokens.fail(token, 'Invocation failed', ''); // ends the token; the task fails with the function's error
      throw error;
    }
    return result;
  }

  private async invoke(functionName: string, payload: unknown): Promise<unknown> {
    const name = functionName.split(':').pop();
    if (name !== this.options.names.taskFunctionName) throw new Error(`no local function ${functionName}`);
    if (!this.tasks) throw new Error('the local change workflow has no task handler bound');
    return (await this.tasks)(payload);
  }

  private async record(execution: LocalExecution, events: AsyncGenerator<EventLog>): Promise<void> {
    for await (const event of events) {
      execution.events.push({
        type: event.type,
        ...('state' in event ? { state: event.state.name } : {}),
        ...('Error' in event ? { error: String(event.Error) } : {}),
        at: new Date(event.timestamp).toISOString(),
      });
      if (execution.events.length > EVENTS_KEPT)
        execution.events.splice(0, execution.events.length - EVENTS_KEPT);
    }
  }
}

/** Every state, including those inside Map and Parallel states (names are unique machine-wide). */
function allStates(definition: { States: Record<string, StateDefinition> }): [string, StateDefinition][] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const nested = [
      ...(state.ItemProcessor ? [state.ItemProcessor] : []),
      ...(state.Iterator ? [state.Iterator] : []),
      ...((state.Branches as unknown[] | undefined) ?? []),
    ] as { States: Record<string, StateDefinition> }[];
    return [[name, state] as [string, StateDefinition], ...nested.flatMap(allStates)];
  });
}

function statesOfType(definition: StateMachineDefinition, type: string): string[] {
  return allStates(definition)
    .filter(([, state]) => state.Type === type)
    .map(([name]) => name);
}

/**
 * The task's timeout as Step Functions computes it: `TimeoutSeconds`, or `TimeoutSecondsPath`
 * read from the task input (simple `$.a.b` paths, as the definition uses).
 */
function timeoutSecondsOf(state: StateDefinition, input: unknown): number {
  if (typeof state.TimeoutSeconds === 'number') return state.TimeoutSeconds;
  if (typeof state.TimeoutSecondsPath === 'string') {
    const value = state.TimeoutSecondsPath.replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], input);
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    throw new Error(`TimeoutSecondsPath ${state.TimeoutSecondsPath} did not select a positive integer`);
  }
  // Step Functions' default for a task without a timeout is effectively unbounded; the local
  // engine's is 60 s, so every waiting task of the definition states its timeout.
  throw new Error('a .waitForTaskToken task without TimeoutSeconds cannot run locally');
}

function replacePlaceholder(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replacePlaceholder(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replacePlaceholder(item, token)]),
    );
  }
  return value;
}
