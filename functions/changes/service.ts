import { type CiDirectory, checkCiIds, EMPTY_CI_DIRECTORY } from '../cmdb/ci-directory.js';
import type { Group } from '../groups/model.js';
import type { GroupStore } from '../groups/store/group-store.js';
import { type Caller, canReadAllTickets } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import {
  type CodeWithStatus,
  ConflictError,
  NotFoundError,
  ServiceBusyError,
  ValidationError,
} from '../shared/errors.js';
import { withOptimisticRetry } from '../shared/optimistic.js';
import type { Page, PageRequest } from '../shared/store.js';
import { asSeenBy, assertApprover, assertChangeWorker, visibleChange } from './access.js';
import { pendingApprovalsFor } from './approvals.js';
import {
  type ApprovalDecision,
  CHANGE_ID_PATTERN,
  type Change,
  type ChangeHistoryEntry,
  formatChangeId,
  type ImplementationOutcome,
} from './model.js';
import {
  approvalDecided,
  approvalDecisionVoided,
  type ChangeStep,
  type CreateChangeInput,
  cancelled,
  creationHistory,
  implementationReported,
  implementationReportVoided,
  newChange,
  reviewRecorded,
  reviewVoided,
  type Stamp,
} from './rules.js';
import {
  CallbackConflictError,
  type CallbackKey,
  type ChangeQuery,
  type ChangeStore,
} from './store/change-store.js';
import type { ChangeIncidentLink, IncidentLinkStore } from './store/incident-link-store.js';
import { type ChangeWorkflow, TaskTokenGoneError } from './workflow/change-workflow.js';
import { WORKFLOW_ERRORS } from './workflow/workflow-contract.js';

/** How long an answer waits for the workflow to store the token it completes: 20 × 100 ms. */
const TOKEN_WAIT_ATTEMPTS = 20;
const TOKEN_WAIT_MS = 100;

export interface DecideInput {
  decision: ApprovalDecision;
  comment?: string | null;
  /** Needed only when the caller belongs to several groups with a pending approval. */
  group?: string;
}

export interface ImplementationInput {
  outcome: ImplementationOutcome;
  notes?: string | null;
}

export interface ChangeServiceOptions {
  /** Where the CIs a change names are checked. Default: a CMDB that knows none. */
  readonly directory?: CiDirectory;
  /**
   * Strict CI ids (stack config `cmdb.strictCiIds`, env CMDB_STRICT_CI_IDS; on by default when a
   * directory is given): an unknown or retired CI is 422 `unknown_ci` / `retired_ci` at
   * `ciIds.<i>`. Off: unknown CIs are accepted and listed in `unknownCiIds`.
   */
  readonly strictCiIds?: boolean;
  /** Incidents linked `caused_by_change` to a change, listed on its single read (docs/ticket-metrics.md#caused-by-change). */
  readonly incidentLinks?: Pick<IncidentLinkStore, 'list'>;
}

/** A change as GET /changes/{id} answers it: with the incidents it caused, for agent read rights. */
export type ChangeView = Change & { readonly links?: readonly ChangeIncidentLink[] };

/**
 * Change use cases behind the API (docs/changes.md#api): create and start the workflow, read, and the human
 * answers the workflow waits for. Each answer is recorded once with a conditional write, and only
 * then is the task token completed; a token found dead undoes the record and answers 409.
 */
export class ChangeService {
  private readonly directory: CiDirectory;
  private readonly strictCiIds: boolean;

  constructor(
    private readonly store: ChangeStore,
    private readonly groups: GroupStore,
    private readonly workflow: ChangeWorkflow,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly options: ChangeServiceOptions = {},
  ) {
    this.directory = options.directory ?? EMPTY_CI_DIRECTORY;
    this.strictCiIds = options.strictCiIds ?? options.directory !== undefined;
  }

  async create(caller: Caller, input: CreateChangeInput): Promise<Change> {
    assertChangeWorker(caller, 'create changes');
    const stamp = this.stamp();
    // Validate fully before drawing a number, so a rejected request leaves no gap and no record.
    newChange('', input, caller, stamp, '');
    const [, found] = await Promise.all([
      this.assertGroupsExist(input.approvalGroups ?? []),
      this.directory.cis([...new Set(input.ciIds)]),
    ]);
    const { unknownCiIds } = checkCiIds(input.ciIds, found, { strict: this.strictCiIds });
    const id = formatChangeId(await this.store.nextSequence());
    const change = newChange(id, input, caller, stamp, this.workflow.executionArnFor(id), unknownCiIds);
    await this.store.commit({ after: change, history: creationHistory(change, caller, stamp) });
    await this.startWorkflow(id);
    return change;
  }

  /** Starts the workflow of a draft whose start failed earlier (POST /changes answered 503). */
  async submit(caller: Caller, id: string): Promise<Change> {
    const change = await this.load(caller, id);
    assertChangeWorker(caller, 'submit changes');
    if (change.status !== 'draft') {
      throw new ConflictError(`${id} was already submitted (it is ${change.status})`, {
        code: 'already_submitted',
        changeStatus: change.status,
      });
    }
    await this.startWorkflow(id);
    return change;
  }

  /**
   * The change as the caller may see it (embedded references they may not read left out). Agent
   * read rights also get its `causes_incident` links: one Query beside the change's GetItem.
   */
  async get(caller: Caller, id: string): Promise<ChangeView> {
    const reader = canReadAllTickets(caller) ? this.options.incidentLinks : undefined;
    const [change, links] = await Promise.all([
      this.load(caller, id),
      reader && CHANGE_ID_PATTERN.test(id) ? reader.list(id) : undefined,
    ]);
    const seen = asSeenBy(change, caller);
    return links ? { ...seen, links } : seen;
  }

  /** The whole stored change, once the caller may see it: what the write paths work on. */
  private async load(caller: Caller, id: string): Promise<Change> {
    if (!CHANGE_ID_PATTERN.test(id)) throw new NotFoundError(`change ${id} does not exist`);
    return visibleChange(await this.store.get(id), caller, id);
  }

  /** Requesters only ever list the changes raised for them, whatever they filter on. */
  async list(caller: Caller, query: ChangeQuery, page: PageRequest): Promise<Page<Change>> {
    const scoped = canReadAllTickets(caller) ? query : { ...query, requester: caller.id };
    const found = await this.store.list(scoped, page);
    return { ...found, items: found.items.map((change) => asSeenBy(change, caller)) };
  }

  async listHistory(caller: Caller, id: string, page: PageRequest): Promise<Page<ChangeHistoryEntry>> {
    await this.load(caller, id);
    if (!canReadAllTickets(caller)) assertChangeWorker(caller, 'read change history');
    return this.store.listHistory(id, page);
  }

  /** An approver decides for a group they belong to whose approval is pending (docs/changes.md#approvals-and-task-tokens). */
  async decide(caller: Caller, id: string, input: DecideInput): Promise<Change> {
    const claim = await withOptimisticRetry(async () => {
      const change = await this.load(caller, id);
      assertApprover(caller);
      if (change.status !== 'pending_approval') {
        throw new ConflictError(`no approval is pending on ${id}: it is ${change.status}`, {
          code: 'approval_not_pending',
          changeStatus: change.status,
        });
      }
      const approval = await this.callersPendingApproval(change, caller, input.group);
      const key: CallbackKey = { kind: 'approval', stage: approval.stage, group: approval.group };
      const taskToken = await this.openToken(id, key);
      const step = approvalDecided(
        change,
        approval,
        input.decision,
        input.comment ?? null,
        caller,
        this.stamp(),
      );
      await this.commitAnswer(change, step, key, taskToken, {
        code: 'approval_already_decided',
        detail: `the ${approval.group} approval of ${id} was already decided`,
      });
      const decided = step.change.approvals.find(
        (a) => a.stage === approval.stage && a.group === approval.group,
      )!;
      return { step, taskToken, key, approval: decided };
    });
    const { step, taskToken, key, approval } = claim;
    const complete =
      input.decision === 'approve'
        ? this.workflow.sendTaskSuccess(taskToken, {
            decision: 'approve',
            stage: approval.stage,
            group: approval.group,
            approver: caller.id,
          })
        : this.workflow.sendTaskFailure(
            taskToken,
            WORKFLOW_ERRORS.rejected,
            JSON.stringify({
              stage: approval.stage,
              group: approval.group,
              approver: caller.id,
              comment: approval.comment,
            }),
          );
    await this.completeOrVoid(complete, id, key, (current, why, stamp) =>
      approvalDecisionVoided(current, approval, why, stamp),
    );
    return step.change;
  }

  /** The implementer reports the outcome; the workflow moves the change to review or failed. */
  async reportImplementation(caller: Caller, id: string, input: ImplementationInput): Promise<Change> {
    const key: CallbackKey = { kind: 'implementation' };
    const { step, taskToken } = await withOptimisticRetry(async () => {
      const change = await this.load(caller, id);
      assertChangeWorker(caller, 'report implementations');
      const next = implementationReported(change, input.outcome, input.notes ?? null, caller, this.stamp());
      const token = await this.openToken(id, key);
      await this.commitAnswer(change, next, key, token, {
        code: 'implementation_already_reported',
        detail: `the implementation of ${id} was already reported`,
      });
      return { step: next, taskToken: token };
    });
    await this.completeOrVoid(
      this.workflow.sendTaskSuccess(taskToken, { outcome: input.outcome }),
      id,
      key,
      (current, why, stamp) => implementationReportVoided(current, why, stamp),
    );
    return step.change;
  }

  /** The post-implementation review; the workflow then closes the change. */
  async review(caller: Caller, id: string, notes: string | null): Promise<Change> {
    const key: CallbackKey = { kind: 'review' };
    const { step, taskToken } = await withOptimisticRetry(async () => {
      const change = await this.load(caller, id);
      assertChangeWorker(caller, 'review changes');
      const next = reviewRecorded(change, notes, caller, this.stamp());
      const token = await this.openToken(id, key);
      await this.commitAnswer(change, next, key, token, {
        code: 'review_already_recorded',
        detail: `${id} was already reviewed`,
      });
      return { step: next, taskToken: token };
    });
    await this.completeOrVoid(
      this.workflow.sendTaskSuccess(taskToken, { reviewed: true }),
      id,
      key,
      (current, why, stamp) => reviewVoided(current, why, stamp),
    );
    return step.change;
  }

  /** Cancels a change that has not started implementing, and stops its execution. */
  async cancel(caller: Caller, id: string, reason: string): Promise<Change> {
    const step = await withOptimisticRetry(async () => {
      const change = await this.load(caller, id);
      assertChangeWorker(caller, 'cancel changes');
      const next = cancelled(change, reason, caller, this.stamp());
      await this.store.commit({ before: change, after: next.change, history: next.history });
      return next;
    });
    const { executionArn } = step.change;
    // Every step re-checks the status, so an execution that could not be stopped now only ends at
    // its next step instead; the cancellation itself is already recorded.
    if (executionArn) await this.workflow.stop(executionArn, reason).catch(() => undefined);
    return step.change;
  }

  private async startWorkflow(id: string): Promise<void> {
    try {
      await this.workflow.start(id);
    } catch (error) {
      throw new ServiceBusyError(
        `${id} is saved as a draft but its workflow could not start (${(error as Error).message}); ` +
          `POST /changes/${id}/submit retries`,
        'workflow_not_started',
      );
    }
  }

  private async callersPendingApproval(change: Change, caller: Caller, group: string | undefined) {
    const pendingGroups = [
      ...new Set(change.approvals.filter((a) => a.status === 'pending').map((a) => a.group)),
    ];
    const groups = new Map<string, Group>();
    for (const found of await Promise.all(pendingGroups.map((g) => this.groups.get(g)))) {
      if (found) groups.set(found.id, found);
    }
    const mine = pendingApprovalsFor(change.approvals, groups, caller).filter(
      (approval) => group === undefined || approval.group === group,
    );
    if (mine.length === 0) {
      throw new ConflictError(
        group === undefined
          ? `no approval is pending on ${change.id} for a group you belong to`
          : `no approval is pending on ${change.id} for group ${group} with you as a member`,
        { code: 'approval_not_pending', pendingGroups },
      );
    }
    if (mine.length > 1) {
      throw new ValidationError([
        {
          path: 'group',
          message: `you belong to several groups with a pending approval (${mine.map((a) => a.group).join(', ')}): name one`,
        },
      ]);
    }
    return mine[0]!;
  }

  /**
   * The token of the callback, once the workflow waits on it. Between a status change and the
   * waiting step (say `implementing` before AwaitImplementation has stored its token) there is a
   * moment without one: the API waits it out briefly rather than answer 409 to a client that was
   * right on time.
   */
  private async openToken(id: string, key: CallbackKey): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const callback = await this.store.getCallback(id, key);
      if (callback?.state === 'open' && callback.taskToken) return callback.taskToken;
      if (attempt >= TOKEN_WAIT_ATTEMPTS) {
        throw new ConflictError(
          `the workflow of ${id} is not waiting for this ${key.kind} right now (it is between steps); retry in a moment`,
          { code: 'workflow_between_steps' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, TOKEN_WAIT_MS));
    }
  }

  private async commitAnswer(
    before: Change,
    step: ChangeStep,
    key: CallbackKey,
    taskToken: string,
    alreadyAnswered: { code: CodeWithStatus<409>; detail: string },
  ): Promise<void> {
    try {
      await this.store.commit({
        before,
        after: step.change,
        history: step.history,
        callback: { op: 'answer', key, taskToken },
      });
    } catch (error) {
      if (error instanceof CallbackConflictError) {
        throw new ConflictError(alreadyAnswered.detail, { code: alreadyAnswered.code });
      }
      throw error;
    }
  }

  /**
   * Completes the token; if it is dead, the recorded answer did not count: it is undone (with a
   * history entry saying why) and the caller gets 409.
   */
  private async completeOrVoid(
    completion: Promise<void>,
    id: string,
    key: CallbackKey,
    voidStep: (current: Change, why: string, stamp: Stamp) => ChangeStep,
  ): Promise<void> {
    try {
      await completion;
    } catch (error) {
      if (!(error instanceof TaskTokenGoneError)) throw error;
      const why =
        error.reason === 'TaskTimedOut'
          ? `the ${key.kind} window had closed (timed out) before the answer arrived`
          : `the workflow was no longer waiting for it (${error.reason})`;
      await withOptimisticRetry(async () => {
        const current = await this.store.get(id);
        if (!current) return;
        const step = voidStep(current, why, this.stamp());
        await this.store.commit({
          before: current,
          after: step.change,
          history: step.history,
          callback: { op: 'reopen', key },
        });
      });
      throw new ConflictError(`${why}; it was not counted`, {
        code: 'task_token_gone',
        reason: error.reason,
      });
    }
  }

  private async assertGroupsExist(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    // Each group once: a batch read may not name a key twice (DynamoDB refuses it as a 500).
    const found = await this.groups.existing([...new Set(groupIds)]);
    const errors = groupIds.flatMap((group, index) =>
      found.has(group) ? [] : [{ path: `approvalGroups.${index}`, message: `group ${group} does not exist` }],
    );
    if (errors.length > 0) throw new ValidationError(errors);
  }

  private stamp(): Stamp {
    return { now: this.clock.now().toISOString(), eventId: this.newId() };
  }
}
