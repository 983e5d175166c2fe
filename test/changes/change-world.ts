import type { Change } from '../../functions/changes/model.js';
import type { CreateChangeInput } from '../../functions/changes/rules.js';
import { ChangeService } from '../../functions/changes/service.js';
import { inMemoryChangeStores } from '../../functions/changes/store/in-memory-change-store.js';
import {
  type ChangeWorkflow,
  type DeadTokenReason,
  TaskTokenGoneError,
} from '../../functions/changes/workflow/change-workflow.js';
import { ChangeWorkflowSteps } from '../../functions/changes/workflow/workflow-steps.js';
import { StoreCiDirectory } from '../../functions/cmdb/ci-directory.js';
import { InMemoryCmdbStore } from '../../functions/cmdb/store/in-memory-cmdb-store.js';
import { InMemoryGroupStore } from '../../functions/groups/store/in-memory-group-store.js';
import type { Caller, Role } from '../../functions/shared/authz.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { CmdbSeed } from './cmdb-seed.js';

/**
 * Change use cases without Java: the service and the workflow steps on the in-memory stores, a
 * frozen TestClock, and a workflow fake that plays Step Functions' part in the token exchange.
 */
export const NOW = '2026-11-23T10:00:00.000Z';
const HOUR_MS = 3_600_000;

/** An ISO time `hours` after NOW. */
export const inHours = (hours: number) => new Date(Date.parse(NOW) + hours * HOUR_MS).toISOString();

export function person(id: string, ...roles: Role[]): Caller {
  return { id, email: `${id}@example.com`, name: id, roles: new Set(roles) };
}

export const ann = person('ann', 'agent');
export const root = person('root', 'admin');
/** Approvers: cara in network, dan in database, erin in ecab, frank in change-managers. */
export const cara = person('cara', 'approver');
export const dan = person('dan', 'approver');
export const erin = person('erin', 'approver');
export const frank = person('frank', 'approver');
/** An approver in no group. */
export const olga = person('olga', 'approver');
export const rita = person('rita', 'requester');
export const bob = person('bob', 'requester');

export const GROUP_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  network: ['cara'],
  database: ['dan'],
  ecab: ['erin'],
  'change-managers': ['frank'],
};

export interface TaskCompletion {
  readonly taskToken: string;
  readonly success?: Record<string, unknown>;
  readonly failure?: { readonly error: string; readonly cause: string };
}

/**
 * The ChangeWorkflow port in memory. A waiting task gets a token (`issue`); answering it completes
 * it once, and afterwards, or once the task has ended (`end`, `stop`), the token is dead and an
 * answer fails with TaskTokenGoneError, as SendTaskSuccess does on Step Functions.
 */
export class FakeChangeWorkflow implements ChangeWorkflow {
  readonly started: string[] = [];
  readonly stopped: { readonly executionArn: string; readonly cause: string }[] = [];
  readonly completions: TaskCompletion[] = [];
  /** When set, start() fails with it (Step Functions unavailable). */
  failStart: Error | undefined;
  /** When set, stop() fails with it. */
  failStop: Error | undefined;
  private readonly waiting = new Map<string, string>();
  private readonly ended = new Map<string, DeadTokenReason>();
  private counter = 0;

  executionArnFor(changeId: string): string {
    return `arn:aws:states:eu-west-1:123456789012:execution:opsdesk-changes:${changeId}`;
  }

  async start(changeId: string): Promise<void> {
    if (this.failStart) throw this.failStart;
    if (!this.started.includes(changeId)) this.started.push(changeId);
  }

  /** A task of the change's execution starts waiting: its fresh token. */
  issue(changeId: string): string {
    this.counter += 1;
    const token = `task-token-${changeId}-${this.counter}`;
    this.waiting.set(token, changeId);
    return token;
  }

  /** The task ended without an answer (its timeout, say). */
  end(token: string, reason: DeadTokenReason = 'TaskTimedOut'): void {
    this.waiting.delete(token);
    this.ended.set(token, reason);
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    this.take(taskToken);
    this.completions.push({ taskToken, success: output });
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    this.take(taskToken);
    this.completions.push({ taskToken, failure: { error, cause } });
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    if (this.failStop) throw this.failStop;
    this.stopped.push({ executionArn, cause });
    for (const [token, changeId] of this.waiting) {
      if (this.executionArnFor(changeId) === executionArn) this.end(token, 'TaskDoesNotExist');
    }
  }

  isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }

  private take(token: string): void {
    if (!this.waiting.has(token)) throw new TaskTokenGoneError(this.ended.get(token) ?? 'TaskDoesNotExist');
    this.waiting.delete(token);
    this.ended.set(token, 'TaskDoesNotExist');
  }
}

export type ChangeWorld = Awaited<ReturnType<typeof changeWorld>>;

export interface ChangeWorldOptions {
  /**
   * Strict CI ids on create (production's default). Off here unless asked for: most tests name CIs
   * freely; those about the CMDB seed it (`cmdb`) and turn it on.
   */
  readonly strictCiIds?: boolean;
}

/**
 * A fresh world: empty stores over one table (changes and an empty in-memory CMDB, seeded through
 * `cmdb`), the four approval groups, the clock at NOW.
 */
export async function changeWorld(options: ChangeWorldOptions = {}) {
  const clock = new TestClock();
  clock.freeze(new Date(NOW));
  const table = new InMemoryTable(() => clock.now().getTime());
  const { changes, freezes } = inMemoryChangeStores(table);
  const cmdb = new CmdbSeed(new InMemoryCmdbStore(table, () => clock.now().getTime()));
  const directory = new StoreCiDirectory(cmdb.store, clock);
  const groups = new InMemoryGroupStore();
  for (const [id, members] of Object.entries(GROUP_MEMBERS)) {
    await groups.put(
      {
        id,
        name: id,
        members,
        email: `${id}@example.com`,
        calendarId: null,
        createdAt: NOW,
        updatedAt: NOW,
        version: 1,
      },
      0,
    );
  }
  const workflow = new FakeChangeWorkflow();
  let counter = 0;
  // ULID-like and increasing: history entries at one (frozen) instant keep their order.
  const newId = () => `01K${String(++counter).padStart(23, '0')}`;
  const service = new ChangeService(changes, groups, workflow, clock, newId, {
    directory,
    strictCiIds: options.strictCiIds ?? false,
  });
  const steps = new ChangeWorkflowSteps(changes, freezes, clock, newId, {
    directory,
    graph: cmdb.store.graph(),
  });

  /** Submits and assesses; then requests each first-stage approval with a fresh token. */
  async function toPendingApproval(id: string): Promise<Record<string, string>> {
    await steps.submit(id);
    const assessment = await steps.assess(id);
    const tokens: Record<string, string> = {};
    const stage = assessment.cab.length > 0 ? 'cab' : 'change_manager';
    for (const group of assessment.cab.length > 0 ? assessment.cab : assessment.changeManager) {
      tokens[group] = workflow.issue(id);
      await steps.requestApproval({ changeId: id, stage, group }, tokens[group]!);
    }
    return tokens;
  }

  /** A standard change through assessment and scheduling to implementing, its token stored. */
  async function toImplementing(id: string): Promise<string> {
    await steps.submit(id);
    const assessment = await steps.assess(id);
    if (assessment.route !== 'schedule') throw new Error(`${id} routes to ${assessment.route}`);
    const { plannedStart } = await steps.schedule(id);
    clock.set(new Date(plannedStart));
    const begun = await steps.beginImplementation(id);
    if (begun.outcome !== 'started') throw new Error(`${id} did not start: ${begun.outcome}`);
    const token = workflow.issue(id);
    await steps.awaitImplementation(id, token);
    return token;
  }

  /** After a reported implementation: recorded, and the review waiting with its token. */
  async function toReview(id: string): Promise<string> {
    const { next } = await steps.recordImplementation(id);
    if (next !== 'review') throw new Error(`${id} went to ${next}`);
    const token = workflow.issue(id);
    await steps.awaitReview(id, token);
    return token;
  }

  async function stored(id: string): Promise<Change> {
    const change = await changes.get(id);
    if (!change) throw new Error(`${id} is not stored`);
    return change;
  }

  async function actions(id: string): Promise<string[]> {
    return (await changes.listHistory(id, { limit: 100 })).items.map((entry) => entry.action);
  }

  async function events(id: string): Promise<string[]> {
    return (await changes.listHistory(id, { limit: 100 })).items.flatMap((entry) =>
      entry.events.map((event) => event.detailType),
    );
  }

  return {
    clock,
    table,
    changes,
    freezes,
    cmdb,
    groups,
    workflow,
    service,
    steps,
    newId,
    toPendingApproval,
    toImplementing,
    toReview,
    stored,
    actions,
    events,
  };
}

/** A valid creation input: a normal change on one CI, two days ahead, two hours long. */
export function changeInput(overrides: Partial<CreateChangeInput> = {}): CreateChangeInput {
  return {
    type: 'normal',
    title: 'Upgrade core switches',
    ciIds: ['switch-1'],
    plannedStart: inHours(48),
    plannedEnd: inHours(50),
    implementationPlan: 'one at a time',
    backoutPlan: 'reinstall 9.2',
    approvalGroups: ['network'],
    ...overrides,
  };
}

/** A standard change: pre-approved, scheduled straight after assessment. */
export function standardInput(overrides: Partial<CreateChangeInput> = {}): CreateChangeInput {
  return changeInput({ type: 'standard', approvalGroups: undefined, ...overrides });
}
