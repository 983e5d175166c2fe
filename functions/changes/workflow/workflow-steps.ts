import type { Clock } from '../../shared/clock/clock.js';
import { withOptimisticRetry } from '../../shared/optimistic.js';
import { type ApprovalPlan, approvalPlan, findApproval } from '../approvals.js';
import { type ChangeCmdb, NO_CMDB } from '../change-cmdb.js';
import { changeConflicts, freezeConflicts } from '../conflicts.js';
import type { Approval, ApprovalStage, Change } from '../model.js';
import { assessRisk } from '../risk.js';
import {
  type AssessmentRoute,
  approvalEscalated,
  approvalExpired,
  approvalRequested,
  assessed,
  type ChangeStep,
  closed,
  implementationDeadline,
  implementationRecorded,
  implementationStarted,
  implementationTimedOut,
  rejected,
  routeOf,
  type Stamp,
  scheduled,
  submitted,
} from '../rules.js';
import {
  CallbackConflictError,
  type CallbackKey,
  type CallbackWrite,
  type ChangeStore,
  type FreezeWindowStore,
} from '../store/change-store.js';
import { readAssessmentInputs } from './assessment-reads.js';
import { WORKFLOW_ERRORS } from './workflow-contract.js';
import { ChangeBusyError, StepNotApplicableError } from './workflow-errors.js';

/** A step to commit; the assessment also writes the change's per-service items. */
type StepWrite = ChangeStep & { readonly services?: readonly string[] };

export interface ApprovalTask {
  readonly changeId: string;
  readonly stage: ApprovalStage;
  readonly group: string;
}

export type AssessResult = { readonly route: AssessmentRoute } & ApprovalPlan;

export type BeginImplementationResult =
  | { readonly outcome: 'waiting'; readonly plannedStart: string }
  | { readonly outcome: 'cancelled' }
  | { readonly outcome: 'started'; readonly changeId: string; readonly timeoutSeconds: number };

/**
 * What each state of the change workflow does (the task function runs these). Every step reads
 * the change, checks it is where the step expects, and writes the next state and its history in
 * one transaction. Steps are idempotent: Step Functions retries a step whose Lambda failed after
 * its write, and the retry finds the work done and answers the same.
 *
 * The steps send no mail. An approval requested, escalated or expired is an event of the step's
 * transaction (`Change Approval Requested|Escalated|Expired`), and the email notifier mails it to
 * the groups once per event: a failed send is retried, a retried step writes no second event.
 */
export class ChangeWorkflowSteps {
  constructor(
    private readonly store: ChangeStore,
    private readonly freezes: FreezeWindowStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
    /** The CMDB the assessment reads (criticality, closures, impact); none: every CI unknown. */
    private readonly cmdb: ChangeCmdb = NO_CMDB,
  ) {}

  async submit(changeId: string): Promise<void> {
    await this.step(changeId, (change) => {
      if (change.status === 'draft') return submitted(change, this.stamp());
      if (change.status === 'cancelled') throw notApplicable(change, 'submit');
      return undefined; // already submitted: a retry
    });
  }

  async assess(changeId: string): Promise<AssessResult> {
    let result: AssessResult | undefined;
    await this.step(changeId, async (change) => {
      if (change.risk !== null && change.status !== 'cancelled') {
        result = storedAssessment(change);
        return undefined;
      }
      if (change.status !== 'assessing') throw notApplicable(change, 'assess');
      const inputs = await readAssessmentInputs(change, {
        changes: this.store,
        freezes: this.freezes,
        cmdb: this.cmdb,
      });
      const conflicts = [
        ...changeConflicts(change, inputs.others, inputs.links),
        ...freezeConflicts(change, inputs.freezes, inputs.closureServiceIds),
      ];
      const risk = assessRisk(change, conflicts, inputs.risk);
      const plan = approvalPlan(change.type, risk.level, change.approvalGroups);
      const assessment = { risk, conflicts, plan, impactedServices: inputs.impactedServices };
      result = { route: routeOf(assessment), ...plan };
      return { ...assessed(change, assessment, this.stamp()), services: inputs.services };
    });
    return result!;
  }

  /**
   * Stores the approval's task token; the first request also records the approval, with the
   * `Change Approval Requested` event the notifier mails.
   */
  async requestApproval(task: ApprovalTask, taskToken: string): Promise<void> {
    const key: CallbackKey = { kind: 'approval', stage: task.stage, group: task.group };
    await withOptimisticRetry(async () => {
      const change = await this.load(task.changeId);
      if (change.status !== 'pending_approval') throw notApplicable(change, 'request an approval');
      const existing = findApproval(change.approvals, task.stage, task.group);
      if (existing && existing.status !== 'pending') {
        throw new ChangeBusyError(
          `the ${task.group} approval of ${change.id} is ${existing.status}; retrying`,
        );
      }
      const step = approvalRequested(change, task.stage, task.group, this.stamp());
      await this.mapCallbackConflict(() =>
        step
          ? this.store.commit({
              before: change,
              after: step.change,
              history: step.history,
              callback: { op: 'register', key, taskToken },
            })
          : this.store.registerCallback(change.id, key, taskToken, this.clock.now().toISOString()),
      );
    });
  }

  async escalateApproval(task: ApprovalTask): Promise<void> {
    // The escalated approval's token has just timed out: drop it with the escalation, so a decision
    // arriving now waits for the fresh token instead of answering a dead task.
    const retire: CallbackWrite = {
      op: 'retire',
      key: { kind: 'approval', stage: task.stage, group: task.group },
    };
    await this.approvalStep(
      task,
      'escalate',
      (current, approval) =>
        approval.escalatedAt ? undefined : approvalEscalated(current, task.stage, task.group, this.stamp()),
      retire,
    );
  }

  async expireApproval(task: ApprovalTask): Promise<void> {
    await this.approvalStep(task, 'expire', (current, approval) =>
      approval.status === 'expired'
        ? undefined
        : approvalExpired(current, task.stage, task.group, this.stamp()),
    );
  }

  async schedule(changeId: string): Promise<{ plannedStart: string }> {
    const change = await this.step(changeId, (current) => {
      if (current.status === 'scheduled') return undefined;
      if (current.status !== 'assessing' && current.status !== 'pending_approval') {
        throw notApplicable(current, 'schedule');
      }
      return scheduled(current, this.stamp());
    });
    return { plannedStart: change.plannedStart };
  }

  /** Ends the approval with `rejected`: a rejection, or an approval that expired. */
  async reject(changeId: string, error: string): Promise<void> {
    await this.step(changeId, (change) => {
      if (change.status === 'rejected') return undefined;
      if (change.status !== 'pending_approval') throw notApplicable(change, 'reject');
      const expiredApproval = error === WORKFLOW_ERRORS.approvalExpired;
      const deciding = change.approvals.find((a) => a.status === (expiredApproval ? 'expired' : 'rejected'));
      const reason = !deciding
        ? `rejected (${error})`
        : expiredApproval
          ? `the ${deciding.group} approval expired without a decision`
          : `rejected by ${deciding.group} (${deciding.approver})${deciding.comment ? `: ${deciding.comment}` : ''}`;
      return rejected(
        change,
        reason,
        expiredApproval ? 'approval_expired' : 'approval_rejected',
        this.stamp(),
      );
    });
  }

  /**
   * The scheduling loop's check: starts the implementation once `plannedStart` has come (by this
   * step's clock), else tells the workflow to wait again. On AWS the Wait before it already waited
   * until `plannedStart`; locally the Wait is a short poll and this check follows the test clock.
   */
  async beginImplementation(changeId: string): Promise<BeginImplementationResult> {
    let waiting = false;
    const change = await this.step(changeId, (current) => {
      if (current.status === 'implementing' || current.status === 'cancelled') return undefined;
      if (current.status !== 'scheduled') throw notApplicable(current, 'begin the implementation');
      if (this.clock.now().getTime() < Date.parse(current.plannedStart)) {
        waiting = true;
        return undefined;
      }
      return implementationStarted(current, this.stamp());
    });
    if (change.status === 'cancelled') return { outcome: 'cancelled' };
    if (waiting) return { outcome: 'waiting', plannedStart: change.plannedStart };
    const remainingMs = Date.parse(implementationDeadline(change)) - this.clock.now().getTime();
    return { outcome: 'started', changeId, timeoutSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
  }

  async awaitImplementation(changeId: string, taskToken: string): Promise<void> {
    await this.registerHumanCallback(changeId, 'implementing', { kind: 'implementation' }, taskToken);
  }

  async recordImplementation(changeId: string): Promise<{ next: 'review' | 'failed' }> {
    const change = await this.step(changeId, (current) => {
      if (current.status === 'review' || current.status === 'failed') return undefined;
      if (current.status !== 'implementing') throw notApplicable(current, 'record the implementation');
      return implementationRecorded(current, this.stamp());
    });
    return { next: change.status === 'failed' ? 'failed' : 'review' };
  }

  async implementationTimedOut(changeId: string): Promise<void> {
    await this.step(changeId, (change) => {
      if (change.status === 'failed') return undefined;
      if (change.status !== 'implementing') throw notApplicable(change, 'time out the implementation');
      return implementationTimedOut(change, this.stamp());
    });
  }

  async awaitReview(changeId: string, taskToken: string): Promise<void> {
    await this.registerHumanCallback(changeId, 'review', { kind: 'review' }, taskToken);
  }

  async close(changeId: string, unreviewedAfterDays?: number): Promise<void> {
    await this.step(changeId, (change) => {
      if (change.status === 'closed') return undefined;
      if (change.status !== 'review') throw notApplicable(change, 'close');
      return closed(change, this.stamp(), unreviewedAfterDays);
    });
  }

  /** Read, decide, write: `decide` returns the step to commit, or undefined when nothing is to do. */
  private step(
    changeId: string,
    decide: (change: Change) => StepWrite | undefined | Promise<StepWrite | undefined>,
    callback?: CallbackWrite,
  ): Promise<Change> {
    return withOptimisticRetry(async () => {
      const change = await this.load(changeId);
      const next = await decide(change);
      if (!next) return change;
      await this.mapCallbackConflict(() =>
        this.store.commit({
          before: change,
          after: next.change,
          history: next.history,
          ...(callback && { callback }),
          ...(next.services && next.services.length > 0 && { services: next.services }),
        }),
      );
      return next.change;
    });
  }

  /**
   * Escalation and expiry act on a pending approval; `decide` answers undefined when a retry finds
   * its work done (escalated already, expired already).
   */
  private approvalStep(
    task: ApprovalTask,
    action: 'escalate' | 'expire',
    decide: (change: Change, approval: Approval) => ChangeStep | undefined,
    callback?: CallbackWrite,
  ): Promise<Change> {
    return this.step(
      task.changeId,
      (change) => {
        if (change.status !== 'pending_approval') throw notApplicable(change, `${action} an approval`);
        const approval = findApproval(change.approvals, task.stage, task.group);
        if (!approval) throw notApplicable(change, `${action} the unrequested ${task.group} approval`);
        const retried = action === 'expire' && approval.status === 'expired';
        if (approval.status !== 'pending' && !retried) {
          // A decision recorded against a token that had just died is being undone by the API.
          throw new ChangeBusyError(
            `the ${task.group} approval of ${change.id} is ${approval.status}; retrying`,
          );
        }
        return decide(change, approval);
      },
      callback,
    );
  }

  private async registerHumanCallback(
    changeId: string,
    status: Change['status'],
    key: CallbackKey,
    taskToken: string,
  ): Promise<void> {
    const change = await this.load(changeId);
    if (change.status !== status) throw notApplicable(change, `wait for the ${key.kind}`);
    await this.mapCallbackConflict(() =>
      this.store.registerCallback(changeId, key, taskToken, this.clock.now().toISOString()),
    );
  }

  private async mapCallbackConflict(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof CallbackConflictError) {
        throw new ChangeBusyError(`${error.message}: an answer is being recorded; retrying`);
      }
      throw error;
    }
  }

  private async load(changeId: string): Promise<Change> {
    const change = await this.store.get(changeId);
    if (!change) throw new StepNotApplicableError(`change ${changeId} does not exist`);
    return change;
  }

  private stamp(): Stamp {
    return { now: this.clock.now().toISOString(), eventId: this.newId() };
  }
}

function notApplicable(change: Change, action: string): StepNotApplicableError {
  return new StepNotApplicableError(`cannot ${action}: ${change.id} is ${change.status}`);
}

/** The assessment's answer rebuilt from what it stored (a retried assess step). */
function storedAssessment(change: Change): AssessResult {
  const plan = approvalPlan(change.type, change.risk!.level, change.approvalGroups);
  const route = routeOf({ risk: change.risk!, conflicts: change.conflicts, plan });
  return { route, ...plan };
}
