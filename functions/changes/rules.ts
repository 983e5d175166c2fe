import { actorOf, type Caller } from '../shared/authz.js';
import { ConflictError, type FieldError, ValidationError } from '../shared/errors.js';
import { type ApprovalPlan, findApproval, needsApproval } from './approvals.js';
import { assertChangeTransition } from './lifecycle.js';
import {
  type Approval,
  type ApprovalDecision,
  type ApprovalStage,
  type Change,
  type ChangeEvent,
  type ChangeHistoryEntry,
  type ChangeStatus,
  type ChangeType,
  type Conflict,
  type FieldChange,
  type ImpactedService,
  type ImplementationOutcome,
  type Risk,
  WORKFLOW_ACTOR,
} from './model.js';
import { IMPLEMENTATION_GRACE_HOURS, MAX_LEAD_DAYS, MAX_WINDOW_DAYS } from './workflow/workflow-contract.js';

/** Input after edge validation (functions/changes/http/schemas.ts). */
export interface CreateChangeInput {
  type: ChangeType;
  title: string;
  description?: string;
  ciIds: string[];
  plannedStart: string;
  plannedEnd: string;
  implementationPlan?: string | null;
  backoutPlan?: string | null;
  approvalGroups?: string[];
  requester?: { id: string; email?: string | null; name?: string | null };
}

/** Time and ids the pure rules need, supplied by the caller so tests control them. */
export interface Stamp {
  readonly now: string;
  readonly eventId: string;
}

type Actor = ChangeHistoryEntry['actor'];

/** A change as it becomes and the history entry (with its events) that records the step. */
export interface ChangeStep {
  readonly change: Change;
  readonly history: ChangeHistoryEntry;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A new change, saved as `draft` until its workflow submits it. Field rules here; whether the
 * groups and CIs exist is the service's question (it needs the stores); `unknownCiIds` are the CIs
 * it accepted without the CMDB knowing them (strict CI ids off).
 */
export function newChange(
  id: string,
  input: CreateChangeInput,
  caller: Caller,
  stamp: Stamp,
  executionArn: string,
  unknownCiIds: readonly string[] = [],
): Change {
  const errors = windowErrors(input.plannedStart, input.plannedEnd, stamp.now);
  const groups = input.approvalGroups ?? [];
  if (input.type === 'normal' && groups.length === 0) {
    errors.push({ path: 'approvalGroups', message: 'a normal change needs at least one approval group' });
  }
  if (input.type !== 'normal' && groups.length > 0) {
    errors.push({
      path: 'approvalGroups',
      message:
        input.type === 'emergency'
          ? 'emergency changes are approved by ecab; leave approvalGroups out'
          : 'standard changes are pre-approved; leave approvalGroups out',
    });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return {
    id,
    type: input.type,
    title: input.title,
    description: input.description ?? '',
    status: 'draft',
    risk: null,
    ciIds: [...new Set(input.ciIds)],
    unknownCiIds: [...new Set(unknownCiIds)],
    impactedServices: [],
    plannedStart: input.plannedStart,
    plannedEnd: input.plannedEnd,
    implementationPlan: input.implementationPlan ?? null,
    backoutPlan: input.backoutPlan ?? null,
    approvalGroups: [...new Set(groups)],
    approvals: [],
    conflicts: [],
    requester: input.requester
      ? { id: input.requester.id, email: input.requester.email ?? null, name: input.requester.name ?? null }
      : { id: caller.id, email: caller.email, name: caller.name },
    submittedBy: actorOf(caller),
    statusReason: null,
    implementation: null,
    review: null,
    executionArn,
    createdAt: stamp.now,
    updatedAt: stamp.now,
    version: 1,
  };
}

/** Window rules: end after start, at most MAX_WINDOW_DAYS long, not over yet, not too far ahead. */
function windowErrors(start: string, end: string, now: string): FieldError[] {
  const errors: FieldError[] = [];
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  if (endMs <= startMs) errors.push({ path: 'plannedEnd', message: 'must be after plannedStart' });
  else if (endMs - startMs > MAX_WINDOW_DAYS * DAY_MS) {
    errors.push({ path: 'plannedEnd', message: `the window may last at most ${MAX_WINDOW_DAYS} days` });
  }
  if (endMs <= Date.parse(now)) errors.push({ path: 'plannedEnd', message: 'the window has already ended' });
  if (startMs > Date.parse(now) + MAX_LEAD_DAYS * DAY_MS) {
    errors.push({ path: 'plannedStart', message: `must be within ${MAX_LEAD_DAYS} days from now` });
  }
  return errors;
}

export function creationHistory(change: Change, caller: Caller, stamp: Stamp): ChangeHistoryEntry {
  return {
    id: stamp.eventId,
    recordId: change.id,
    at: stamp.now,
    actor: actorOf(caller),
    action: 'created',
    changes: [],
    events: [],
  };
}

/** draft → assessing: the workflow has taken the change on. */
export function submitted(change: Change, stamp: Stamp): ChangeStep {
  return transition(change, 'assessing', {}, WORKFLOW_ACTOR, stamp, 'submitted', [
    {
      detailType: 'Change Submitted',
      detail: {
        type: change.type,
        title: change.title,
        ciIds: change.ciIds,
        plannedStart: change.plannedStart,
        plannedEnd: change.plannedEnd,
        requester: change.requester,
        submittedBy: change.submittedBy,
      },
    },
  ]);
}

export interface Assessment {
  readonly risk: Risk;
  readonly conflicts: readonly Conflict[];
  readonly plan: ApprovalPlan;
  /** What a downstream impact analysis from the CIs reaches; kept as it was when absent. */
  readonly impactedServices?: readonly ImpactedService[];
}

/** What the workflow does next after assessing: wait for approvals, schedule, or stop. */
export type AssessmentRoute = 'approval' | 'schedule' | 'blocked';

export function routeOf(assessment: Assessment): AssessmentRoute {
  if (assessment.conflicts.some((conflict) => conflict.kind === 'freeze' && conflict.blocking))
    return 'blocked';
  return needsApproval(assessment.plan) ? 'approval' : 'schedule';
}

/**
 * Records risk and conflicts. A blocking freeze rejects the change; with approvals to collect it
 * becomes `pending_approval`; otherwise it stays `assessing` until the schedule step.
 */
export function assessed(change: Change, assessment: Assessment, stamp: Stamp): ChangeStep {
  const route = routeOf(assessment);
  const findings = {
    risk: assessment.risk,
    conflicts: assessment.conflicts,
    ...(assessment.impactedServices && { impactedServices: assessment.impactedServices }),
  };
  const assessedEvent: ChangeEvent = {
    detailType: 'Change Assessed',
    detail: { ...findings, approvalPlan: assessment.plan, route },
  };
  if (route === 'blocked') {
    const freezes = assessment.conflicts.filter((c) => c.kind === 'freeze' && c.blocking);
    const reason = `planned window falls in freeze window ${freezes.map((f) => (f.kind === 'freeze' ? f.freezeWindowId : '')).join(', ')}`;
    return transition(
      change,
      'rejected',
      { ...findings, statusReason: reason },
      WORKFLOW_ACTOR,
      stamp,
      'assessed',
      [assessedEvent, { detailType: 'Change Rejected', detail: { reason, cause: 'freeze_window' } }],
    );
  }
  if (route === 'approval') {
    return transition(change, 'pending_approval', findings, WORKFLOW_ACTOR, stamp, 'assessed', [
      assessedEvent,
    ]);
  }
  return update(change, findings, WORKFLOW_ACTOR, stamp, 'assessed', [assessedEvent]);
}

/** A stage asks a group; a second request for the same approval (after escalation) changes nothing. */
export function approvalRequested(
  change: Change,
  stage: ApprovalStage,
  group: string,
  stamp: Stamp,
): ChangeStep | undefined {
  assertStatus(change, 'pending_approval', 'request an approval');
  if (findApproval(change.approvals, stage, group)) return undefined;
  const approval: Approval = {
    stage,
    group,
    status: 'pending',
    approver: null,
    decision: null,
    comment: null,
    requestedAt: stamp.now,
    escalatedAt: null,
    decidedAt: null,
  };
  return update(
    change,
    { approvals: [...change.approvals, approval] },
    WORKFLOW_ACTOR,
    stamp,
    'approval requested',
    [{ detailType: 'Change Approval Requested', detail: { stage, group } }],
  );
}

export function approvalEscalated(
  change: Change,
  stage: ApprovalStage,
  group: string,
  stamp: Stamp,
): ChangeStep {
  const approval = pendingApproval(change, stage, group);
  return update(
    change,
    { approvals: replaceApproval(change.approvals, { ...approval, escalatedAt: stamp.now }) },
    WORKFLOW_ACTOR,
    stamp,
    'approval escalated',
    [
      {
        detailType: 'Change Approval Escalated',
        detail: { stage, group, requestedAt: approval.requestedAt },
      },
    ],
  );
}

export function approvalExpired(
  change: Change,
  stage: ApprovalStage,
  group: string,
  stamp: Stamp,
): ChangeStep {
  const approval = pendingApproval(change, stage, group);
  return update(
    change,
    {
      approvals: replaceApproval(change.approvals, { ...approval, status: 'expired', decidedAt: stamp.now }),
    },
    WORKFLOW_ACTOR,
    stamp,
    'approval expired',
    [{ detailType: 'Change Approval Expired', detail: { stage, group, requestedAt: approval.requestedAt } }],
  );
}

/** An approver's decision, recorded on the approval (the workflow acts on it through the token). */
export function approvalDecided(
  change: Change,
  approval: Approval,
  decision: ApprovalDecision,
  comment: string | null,
  caller: Caller,
  stamp: Stamp,
): ChangeStep {
  assertStatus(change, 'pending_approval', 'decide an approval');
  const decided: Approval = {
    ...pendingApproval(change, approval.stage, approval.group),
    status: decision === 'approve' ? 'approved' : 'rejected',
    approver: caller.id,
    decision,
    comment,
    decidedAt: stamp.now,
  };
  return update(
    change,
    { approvals: replaceApproval(change.approvals, decided) },
    actorOf(caller),
    stamp,
    'approval decided',
    [
      {
        detailType: 'Change Approval Decided',
        detail: { stage: decided.stage, group: decided.group, decision, approver: caller.id, comment },
      },
    ],
  );
}

/**
 * Undoes a recorded decision whose task token turned out to be dead (the approval timed out or
 * the execution ended while the decision was on its way): it did not count.
 */
export function approvalDecisionVoided(
  change: Change,
  decided: Approval,
  why: string,
  stamp: Stamp,
): ChangeStep {
  const current = findApproval(change.approvals, decided.stage, decided.group);
  const reopened: Approval = {
    ...(current ?? decided),
    status: 'pending',
    approver: null,
    decision: null,
    comment: null,
    decidedAt: null,
  };
  return update(
    change,
    { approvals: replaceApproval(change.approvals, reopened) },
    WORKFLOW_ACTOR,
    stamp,
    'approval decision voided',
    [
      {
        detailType: 'Change Approval Decision Voided',
        detail: { stage: decided.stage, group: decided.group, approver: decided.approver, reason: why },
      },
    ],
  );
}

/** Every stage approved (or none needed): the change waits for its window. */
export function scheduled(change: Change, stamp: Stamp): ChangeStep {
  const events: ChangeEvent[] = [];
  if (change.approvals.length > 0) {
    events.push({ detailType: 'Change Approved', detail: { approvals: change.approvals } });
  }
  events.push({
    detailType: 'Change Scheduled',
    detail: { plannedStart: change.plannedStart, plannedEnd: change.plannedEnd },
  });
  return transition(change, 'scheduled', {}, WORKFLOW_ACTOR, stamp, 'scheduled', events);
}

export function rejected(change: Change, reason: string, cause: string, stamp: Stamp): ChangeStep {
  const fields = { statusReason: reason, approvals: withdrawPending(change.approvals) };
  return transition(change, 'rejected', fields, WORKFLOW_ACTOR, stamp, 'rejected', [
    { detailType: 'Change Rejected', detail: { reason, cause } },
  ]);
}

export function implementationStarted(change: Change, stamp: Stamp): ChangeStep {
  return transition(change, 'implementing', {}, WORKFLOW_ACTOR, stamp, 'implementation started', [
    {
      detailType: 'Change Implementation Started',
      detail: { plannedStart: change.plannedStart, plannedEnd: change.plannedEnd },
    },
  ]);
}

/** When the implementation result is due: `plannedEnd` + 4 h (docs/changes.md#lifecycle). */
export function implementationDeadline(change: Pick<Change, 'plannedEnd'>): string {
  return new Date(Date.parse(change.plannedEnd) + IMPLEMENTATION_GRACE_HOURS * HOUR_MS).toISOString();
}

/** The implementer's report; the workflow turns it into `review` or `failed`. */
export function implementationReported(
  change: Change,
  outcome: ImplementationOutcome,
  notes: string | null,
  caller: Caller,
  stamp: Stamp,
): ChangeStep {
  assertStatus(change, 'implementing', 'report an implementation');
  if (change.implementation) {
    throw new ConflictError(`the implementation of ${change.id} was already reported`, {
      code: 'implementation_already_reported',
      implementation: change.implementation,
    });
  }
  const implementation = { outcome, notes, reportedBy: caller.id, reportedAt: stamp.now };
  return update(change, { implementation }, actorOf(caller), stamp, 'implementation reported', []);
}

export function implementationReportVoided(change: Change, why: string, stamp: Stamp): ChangeStep {
  return update(
    change,
    { implementation: null },
    WORKFLOW_ACTOR,
    stamp,
    `implementation report voided: ${why}`,
    [],
  );
}

/** The workflow acts on the report: review after success (full or partial), `failed` otherwise. */
export function implementationRecorded(change: Change, stamp: Stamp): ChangeStep {
  const report = change.implementation;
  if (!report) throw new ConflictError(`no implementation of ${change.id} has been reported`);
  if (report.outcome === 'failed') {
    return transition(
      change,
      'failed',
      { statusReason: 'the implementation failed; backout recorded in the implementation notes' },
      WORKFLOW_ACTOR,
      stamp,
      'implementation failed',
      [{ detailType: 'Change Failed', detail: { outcome: report.outcome, notes: report.notes } }],
    );
  }
  return transition(change, 'review', {}, WORKFLOW_ACTOR, stamp, 'implemented', [
    { detailType: 'Change Implemented', detail: { outcome: report.outcome, notes: report.notes } },
  ]);
}

export function implementationTimedOut(change: Change, stamp: Stamp): ChangeStep {
  const reason = `no implementation result by ${implementationDeadline(change)} (plannedEnd + ${IMPLEMENTATION_GRACE_HOURS} h)`;
  return transition(
    change,
    'failed',
    {
      statusReason: reason,
      implementation: { outcome: 'timed_out', notes: null, reportedBy: null, reportedAt: stamp.now },
    },
    WORKFLOW_ACTOR,
    stamp,
    'implementation timed out',
    [{ detailType: 'Change Failed', detail: { outcome: 'timed_out', reason } }],
  );
}

export function reviewRecorded(
  change: Change,
  notes: string | null,
  caller: Caller,
  stamp: Stamp,
): ChangeStep {
  assertStatus(change, 'review', 'review');
  if (change.review) {
    throw new ConflictError(`${change.id} was already reviewed`, {
      code: 'review_already_recorded',
      review: change.review,
    });
  }
  return update(
    change,
    { review: { notes, reviewedBy: caller.id, reviewedAt: stamp.now } },
    actorOf(caller),
    stamp,
    'reviewed',
    [],
  );
}

export function reviewVoided(change: Change, why: string, stamp: Stamp): ChangeStep {
  return update(change, { review: null }, WORKFLOW_ACTOR, stamp, `review voided: ${why}`, []);
}

/** review → closed, after the review or, without one, when the review period ran out. */
export function closed(change: Change, stamp: Stamp, unreviewedAfterDays?: number): ChangeStep {
  const statusReason =
    unreviewedAfterDays === undefined ? null : `closed without a review after ${unreviewedAfterDays} days`;
  return transition(change, 'closed', { statusReason }, WORKFLOW_ACTOR, stamp, 'closed', [
    { detailType: 'Change Closed', detail: { reviewed: change.review !== null, review: change.review } },
  ]);
}

export function cancelled(change: Change, reason: string, caller: Caller, stamp: Stamp): ChangeStep {
  const fields = { statusReason: reason, approvals: withdrawPending(change.approvals) };
  return transition(change, 'cancelled', fields, actorOf(caller), stamp, 'cancelled', [
    { detailType: 'Change Cancelled', detail: { reason } },
  ]);
}

function assertStatus(change: Change, status: ChangeStatus, action: string): void {
  if (change.status !== status) {
    throw new ConflictError(`cannot ${action}: ${change.id} is ${change.status}, not ${status}`, {
      code: 'wrong_change_status',
      changeStatus: change.status,
    });
  }
}

function pendingApproval(change: Change, stage: ApprovalStage, group: string): Approval {
  const approval = findApproval(change.approvals, stage, group);
  if (approval?.status !== 'pending') {
    throw new ConflictError(`no ${stage} approval by ${group} is pending on ${change.id}`, {
      code: 'approval_not_pending',
      approval: approval ?? null,
    });
  }
  return approval;
}

/** Approvals nobody needs to decide any more once the change has ended. */
function withdrawPending(approvals: readonly Approval[]): Approval[] {
  return approvals.map((approval) =>
    approval.status === 'pending' ? { ...approval, status: 'withdrawn' as const } : approval,
  );
}

function replaceApproval(approvals: readonly Approval[], next: Approval): Approval[] {
  return approvals.map((approval) =>
    approval.stage === next.stage && approval.group === next.group ? next : approval,
  );
}

type Fields = Partial<
  Pick<
    Change,
    'risk' | 'conflicts' | 'impactedServices' | 'approvals' | 'statusReason' | 'implementation' | 'review'
  >
>;

function transition(
  before: Change,
  to: ChangeStatus,
  fields: Fields,
  actor: Actor,
  stamp: Stamp,
  action: string,
  events: readonly ChangeEvent[],
): ChangeStep {
  assertChangeTransition(before.id, before.status, to);
  return update(before, { ...fields, status: to }, actor, stamp, action, [
    ...events,
    { detailType: 'Change Status Changed', detail: { from: before.status, to } },
  ]);
}

function update(
  before: Change,
  fields: Fields & { status?: ChangeStatus },
  actor: Actor,
  stamp: Stamp,
  action: string,
  events: readonly ChangeEvent[],
): ChangeStep {
  const after: Change = { ...before, ...fields, updatedAt: stamp.now, version: before.version + 1 };
  const changes = diff(before, after);
  return {
    change: after,
    history: {
      id: stamp.eventId,
      recordId: before.id,
      at: stamp.now,
      actor,
      action,
      changes,
      events: events.map((event) => ({ ...event, detail: { changeId: before.id, ...event.detail } })),
    },
  };
}

const TRACKED_FIELDS = [
  'status',
  'risk',
  'conflicts',
  'impactedServices',
  'approvals',
  'statusReason',
  'implementation',
  'review',
] as const;

function diff(before: Change, after: Change): FieldChange[] {
  return TRACKED_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field])).map(
    (field) => ({ field, from: before[field], to: after[field] }),
  );
}
