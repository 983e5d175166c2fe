/**
 * The vocabulary the change workflow shares between its three parts: the state machine the CDK
 * stack defines (lib/changes.ts), the task handler its states invoke (handlers/change-tasks.ts)
 * and the API that completes its task tokens (handlers/changes.ts). Plain data, no AWS imports,
 * so the local runtime can read it without loading the CDK.
 */

/** What a task state asks the task function to do (`action` in its payload). */
export const CHANGE_TASK_ACTIONS = [
  'submit',
  'assess',
  'requestApproval',
  'escalateApproval',
  'expireApproval',
  'schedule',
  'reject',
  'beginImplementation',
  'awaitImplementation',
  'recordImplementation',
  'implementationTimedOut',
  'awaitReview',
  'close',
] as const;
export type ChangeTaskAction = (typeof CHANGE_TASK_ACTIONS)[number];

/** Error names the workflow catches or the API sends with SendTaskFailure. */
export const WORKFLOW_ERRORS = {
  /** An approver rejected (SendTaskFailure from the API): any rejection rejects the change. */
  rejected: 'Change.Rejected',
  /** An approval stayed undecided past its expiry: the change is rejected. */
  approvalExpired: 'Change.ApprovalExpired',
  /** The change is not in a state this step applies to (e.g. cancelled meanwhile): never retried. */
  stepNotApplicable: 'Change.StepNotApplicable',
  /** Someone else is writing the change right now: retried with backoff. */
  busy: 'Change.Busy',
} as const;

/** Defaults of the stack's change settings (CDK context, see lib/changes-config.ts). */
export const CHANGE_WORKFLOW_DEFAULTS = {
  /** A pending approval escalates (event + notification) after this long. */
  escalateAfterHours: 24,
  /** ...and expires as a rejection after this long (counted from the request). */
  expireAfterHours: 72,
  /** A change in review closes by itself after this long without a review. */
  reviewTimeoutDays: 14,
} as const;

/** The implementation result is due by `plannedEnd` plus this grace; later, the change fails. */
export const IMPLEMENTATION_GRACE_HOURS = 4;

/**
 * Bounds that keep every timer of an execution within what both engines handle: Standard
 * executions live at most a year, and a Node timer (the local engine's) holds at most ~24.8 days.
 */
export const MAX_WINDOW_DAYS = 14;
export const MAX_LEAD_DAYS = 180;
export const MAX_TIMER_DAYS = 20;

/** The local workflow runs the Wait state of the scheduling loop as a short poll (see docs/changes.md). */
export const WAIT_FOR_WINDOW_STATE = 'WaitForWindow';
