import { actorOf, type Caller, isStaff } from '../shared/authz.js';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  UnprocessableError,
  ValidationError,
} from '../shared/errors.js';
import { isRequesterOf, REQUESTER_EDITABLE_FIELDS } from './access.js';
import { allowedTransitions, isFinal, isReopen } from './lifecycle.js';
import type {
  ApprovalTerms,
  CascadeMode,
  Comment,
  FieldChange,
  HistoryEntry,
  HoldReason,
  Person,
  RequestApproval,
  RequestTask,
  Resolution,
  ServiceIdSource,
  ServiceImpact,
  Ticket,
  TicketSource,
  TicketStatus,
  TicketType,
} from './model.js';
import { NO_METRICS } from './model.js';
import { derivePriority, type Level } from './priority.js';

/** Input shapes after edge validation (each capability's http/schemas.ts produces them). */
export interface CreateTicketInput {
  type: TicketType;
  title: string;
  description?: string;
  impact?: Level;
  urgency?: Level;
  category?: string | null;
  ciIds?: string[];
  /** The primary service; anyone filing may name one (a live service: the service checks it). */
  serviceId?: string | null;
  /**
   * How `serviceId` was chosen, for callers that choose it (a catalog item); not accepted over
   * HTTP. Default: `alert` for an alert's ticket, else `manual`.
   */
  serviceIdSource?: ServiceIdSource;
  assignee?: string | null;
  group?: string | null;
  requester?: { id: string; email?: string | null; name?: string | null };
  /** Error codes an alert names (label `error_code`/`errorCode`, PagerDuty `class`); not accepted over HTTP. */
  errorCodes?: readonly string[];
  source?: TicketSource;
  /** A catalog request's parts (functions/catalog/, docs/catalog.md); not accepted over HTTP. */
  catalog?: CatalogRequestParts;
  /** Incidents only, staff only: `outage` when it takes its services down (docs/ticket-metrics.md#service-impact). */
  serviceImpact?: ServiceImpact | null;
}

export interface UpdateTicketInput {
  title?: string;
  description?: string;
  impact?: Level;
  urgency?: Level;
  status?: TicketStatus;
  holdReason?: HoldReason;
  resolution?: Resolution;
  assignee?: string | null;
  group?: string | null;
  category?: string | null;
  ciIds?: string[];
  /** Staff only; null clears it. A new service is `manual`. */
  serviceId?: string | null;
  /** Problems moving to `known_error`: an existing known error (docs/problems.md#problems). */
  knownErrorId?: string;
  /** Problems moving to `known_error`: the workaround of a known error the same write publishes. */
  workaround?: string;
  /** Problems moving to `resolved`: what happens to the incidents it caused (default `none`). */
  cascade?: CascadeMode;
  /** Incidents only, staff only: `outage` or null (docs/ticket-metrics.md#service-impact). */
  serviceImpact?: ServiceImpact | null;
  /** Alert incidents only, staff only: turn auto-resolve off (or on) for this incident (docs/alerts.md). */
  alert?: { autoResolve: boolean };
}

export interface AddCommentInput {
  body: string;
  visibility?: 'public' | 'internal';
  /** Files that came with the comment (email); set by the mail gateway, not accepted over HTTP. */
  attachments?: readonly unknown[];
  /** A Cc participant's email reply, vouched for by the mail gateway (docs/email.md#threading-threadingts); not accepted over HTTP. */
  participant?: boolean;
  /**
   * The requester's email reply to their resolved ticket reopens it, as a follow-up does in RT and
   * Zammad: mail has no other way to say "not fixed". Set by the mail gateway, not accepted over HTTP
   * (API clients reopen with PATCH).
   */
  reopens?: boolean;
}

/** Identifiers and time the pure rules need, supplied by the service (so tests control them). */
export interface Stamp {
  readonly now: string;
  readonly eventId: string;
}

/** Impact and urgency default to 3 (low), as ServiceNow does: a caller raises them deliberately. */
const DEFAULT_LEVEL: Level = 3;

/** Builds a new ticket; staff may file on someone's behalf and pre-assign, requesters only for themselves. */
export function newTicket(id: string, input: CreateTicketInput, caller: Caller, stamp: Stamp): Ticket {
  const staff = isStaff(caller);
  const staffOnly = (['requester', 'assignee', 'group', 'source', 'serviceImpact'] as const).filter(
    (field) => input[field] !== undefined && input[field] !== null,
  );
  if (!staff && staffOnly.length > 0) {
    throw new ForbiddenError(`only agents and admins may set ${staffOnly.join(', ')}`);
  }
  if (input.serviceImpact != null && input.type !== 'incident') {
    throw new ValidationError([{ path: 'serviceImpact', message: 'only incidents carry a serviceImpact' }]);
  }
  const requester: Person = input.requester
    ? { id: input.requester.id, email: input.requester.email ?? null, name: input.requester.name ?? null }
    : { id: caller.id, email: caller.email, name: caller.name };
  const impact = input.impact ?? DEFAULT_LEVEL;
  const urgency = input.urgency ?? DEFAULT_LEVEL;
  const ciIds = unique(input.ciIds ?? []);
  const serviceId = input.serviceId ?? null;
  return {
    id,
    type: input.type,
    title: input.title,
    description: input.description ?? '',
    status: 'new',
    holdReason: null,
    impact,
    urgency,
    priority: derivePriority(impact, urgency),
    requester,
    assignee: input.assignee ?? null,
    group: input.group ?? null,
    category: input.category ?? null,
    ciIds,
    serviceId,
    serviceIdSource: serviceId
      ? (input.serviceIdSource ?? (input.source === 'alert' ? 'alert' : 'manual'))
      : null,
    // Computed by the service from the CMDB (affectedServices), before the ticket is written.
    affectedServices: [],
    unknownCiIds: [],
    source: input.source ?? 'api',
    createdAt: stamp.now,
    updatedAt: stamp.now,
    resolvedAt: null,
    closedAt: null,
    resolution: null,
    autoCloseAt: null,
    sla: null,
    links: ciIds.map((ci) => ({ type: 'affects' as const, targetId: ci })),
    suggestedKnownErrors: [],
    knownErrorId: null,
    cascade: null,
    catalogItem: input.catalog?.catalogItem ?? null,
    form: input.catalog?.form ?? null,
    approvals: input.catalog?.approvals ?? [],
    approvalTerms: input.catalog?.approvalTerms ?? null,
    tasks: input.catalog?.tasks ?? [],
    cancelReason: null,
    serviceImpact: input.serviceImpact ?? null,
    // Computed on every write by metrics.ts (through withSla), creation included.
    metrics: NO_METRICS,
    // Set by the CSAT capability when a resolution issues a survey (docs/csat.md#states).
    feedback: null,
    version: 1,
  };
}

export function creationHistory(ticket: Ticket, caller: Caller, stamp: Stamp): HistoryEntry {
  return {
    id: stamp.eventId,
    recordId: ticket.id,
    at: stamp.now,
    actor: actorOf(caller),
    action: 'created',
    changes: [],
    events: [
      {
        detailType: 'Ticket Created',
        detail: {
          ticketId: ticket.id,
          type: ticket.type,
          status: ticket.status,
          priority: ticket.priority,
          requester: ticket.requester,
          assignee: ticket.assignee,
          group: ticket.group,
        },
      },
    ],
  };
}

/** What an update produced: the new ticket and the fields that moved (empty: nothing to write). */
export interface UpdateResult {
  readonly ticket: Ticket;
  readonly changes: readonly FieldChange[];
}

/**
 * Applies a PATCH: authorization, lifecycle, hold and resolution rules, priority derivation.
 * Pure: the same ticket, input and caller always give the same result.
 */
export function applyUpdate(
  ticket: Ticket,
  input: UpdateTicketInput,
  caller: Caller,
  stamp: Stamp,
): UpdateResult {
  assertMayUpdate(ticket, input, caller);
  assertApprovalHoldKept(ticket, input);
  const next: { -readonly [K in keyof Ticket]: Ticket[K] } = { ...ticket };
  const errors: FieldError[] = [];

  for (const field of ['title', 'description', 'assignee', 'group', 'category'] as const) {
    if (input[field] !== undefined) next[field] = input[field] as never;
  }
  if (input.ciIds !== undefined) next.ciIds = unique(input.ciIds);
  if (input.serviceId !== undefined && input.serviceId !== ticket.serviceId) {
    next.serviceId = input.serviceId;
    next.serviceIdSource = input.serviceId === null ? null : 'manual';
  }
  if (input.impact !== undefined) next.impact = input.impact;
  if (input.urgency !== undefined) next.urgency = input.urgency;
  if (input.serviceImpact !== undefined) {
    if (ticket.type === 'incident') next.serviceImpact = input.serviceImpact;
    else if (input.serviceImpact !== null)
      errors.push({ path: 'serviceImpact', message: 'only incidents carry a serviceImpact' });
  }
  if (input.alert !== undefined) {
    if (!isStaff(caller)) throw new ForbiddenError('only agents and admins may change alert settings');
    if (ticket.alert) next.alert = { ...ticket.alert, autoResolve: input.alert.autoResolve };
    else errors.push({ path: 'alert', message: 'only alert incidents carry an alert block' });
  }
  next.priority = derivePriority(next.impact, next.urgency);

  if (input.status !== undefined && input.status !== ticket.status) {
    applyStatus(next, ticket, input, stamp.now, errors);
  } else {
    if (input.holdReason !== undefined) {
      if (ticket.status === 'on_hold') next.holdReason = input.holdReason;
      else errors.push({ path: 'holdReason', message: 'only allowed when status is or becomes on_hold' });
    }
    if (input.resolution !== undefined) {
      if (ticket.status === 'resolved') next.resolution = input.resolution;
      else errors.push({ path: 'resolution', message: 'only allowed when status is or becomes resolved' });
    }
  }
  for (const field of ['knownErrorId', 'workaround'] as const) {
    if (input[field] !== undefined && (input.status !== 'known_error' || ticket.status === 'known_error'))
      errors.push({ path: field, message: 'only allowed when a problem moves to known_error' });
  }
  if (input.cascade !== undefined && (input.status !== 'resolved' || ticket.type !== 'problem'))
    errors.push({ path: 'cascade', message: 'only allowed when a problem moves to resolved' });
  if (errors.length > 0) throw new ValidationError(errors);
  assertAwaitingProblem(ticket, next);

  next.links = [
    ...ticket.links.filter((link) => link.type !== 'affects'),
    ...next.ciIds.map((ci) => ({ type: 'affects' as const, targetId: ci })),
  ];
  const changes = diff(ticket, next);
  if (changes.length === 0) return { ticket, changes };
  return { ticket: { ...next, updatedAt: stamp.now, version: ticket.version + 1 }, changes };
}

function assertMayUpdate(ticket: Ticket, input: UpdateTicketInput, caller: Caller): void {
  if (isStaff(caller)) return;
  if (!isRequesterOf(ticket, caller)) throw new ForbiddenError('only agents and admins may update tickets');
  const fields = Object.keys(input).filter((key) => input[key as keyof UpdateTicketInput] !== undefined);
  const reopening = input.status !== undefined && isReopen(ticket.status, input.status);
  for (const field of fields) {
    if (field === 'status' && reopening) continue;
    if ((REQUESTER_EDITABLE_FIELDS as readonly string[]).includes(field) && ticket.status === 'new') continue;
    throw new ForbiddenError(
      field === 'status'
        ? 'requesters may only reopen their resolved tickets'
        : `requesters may change only title and description, and only while the ticket is new (not ${field})`,
    );
  }
}

function applyStatus(
  next: { -readonly [K in keyof Ticket]: Ticket[K] },
  before: Ticket,
  input: UpdateTicketInput,
  now: string,
  errors: FieldError[],
): void {
  const to = input.status!;
  const allowed = allowedTransitions(before.type, before.status);
  if (!allowed.includes(to)) {
    throw new ConflictError(
      `a ${before.type} cannot move from ${before.status} to ${to}` +
        (allowed.length ? `; allowed: ${allowed.join(', ')}` : `; ${before.status} is final`),
      { code: 'invalid_transition', from: before.status, to, allowed },
    );
  }
  next.status = to;

  if (to === 'known_error') {
    // A problem becomes a known error only with one on record (docs/problems.md#problems).
    if (input.knownErrorId === undefined && input.workaround === undefined) {
      throw new UnprocessableError(
        `${before.id} needs a known error to move to known_error: give knownErrorId or workaround`,
        'known_error_required',
        [{ path: 'workaround', message: 'required (or knownErrorId) when status becomes known_error' }],
      );
    }
    if (input.knownErrorId !== undefined) next.knownErrorId = input.knownErrorId;
  }

  if (to === 'on_hold') {
    if (input.holdReason === undefined)
      errors.push({ path: 'holdReason', message: 'required when status is on_hold' });
    else next.holdReason = input.holdReason;
  } else {
    if (input.holdReason !== undefined) {
      errors.push({ path: 'holdReason', message: 'only allowed when status is or becomes on_hold' });
    }
    next.holdReason = null;
  }

  if (to === 'resolved') {
    if (input.resolution === undefined)
      errors.push({ path: 'resolution', message: 'required when status is resolved' });
    else next.resolution = input.resolution;
    next.resolvedAt = now;
  } else if (input.resolution !== undefined) {
    errors.push({ path: 'resolution', message: 'only allowed when status is or becomes resolved' });
  }
  if (isReopen(before.status, to)) {
    next.resolvedAt = null;
    next.resolution = null;
    // A problem's cascade belongs to the resolution it came with (docs/problems.md#cascade).
    next.cascade = null;
    // A reopen before an answer voids the pending survey in the same write (docs/csat.md#reopen).
    if (before.feedback?.status === 'pending') next.feedback = { ...before.feedback, status: 'voided' };
  }
  if (to === 'closed') next.closedAt = now;
  // Cancelling a catalog request cancels its unfinished fulfilment tasks (docs/catalog.md#fulfilment).
  if (to === 'cancelled') next.tasks = cancelUnfinishedTasks(before.tasks);
}

/**
 * `awaiting_problem` (docs/problems.md#incidents-awaiting-a-problem): only an incident linked
 * `caused_by` a problem waits on one; else 422 at `holdReason`.
 */
function assertAwaitingProblem(before: Ticket, next: Ticket): void {
  if (next.holdReason !== 'awaiting_problem' || before.holdReason === 'awaiting_problem') return;
  const linked = before.links.some((link) => link.type === 'caused_by');
  if (before.type !== 'incident' || !linked) {
    throw new UnprocessableError(
      `${before.id} is not an incident linked caused_by a problem; it cannot await one`,
      'unprocessable',
      [{ path: 'holdReason', message: 'awaiting_problem needs an incident linked caused_by a problem' }],
    );
  }
}

export function updateHistory(
  before: Ticket,
  result: UpdateResult,
  caller: Caller,
  stamp: Stamp,
): HistoryEntry {
  const statusChange = result.changes.find((change) => change.field === 'status');
  const detail = { ticketId: before.id, changes: result.changes };
  return {
    id: stamp.eventId,
    recordId: before.id,
    at: stamp.now,
    actor: actorOf(caller),
    action: 'updated',
    changes: result.changes,
    events: [
      { detailType: 'Ticket Updated', detail },
      ...(statusChange
        ? [
            {
              detailType: 'Ticket Status Changed',
              detail: { ticketId: before.id, from: statusChange.from, to: statusChange.to },
            },
          ]
        : []),
    ],
  };
}

export interface CommentResult {
  readonly comment: Comment;
  readonly ticket: Ticket;
  readonly history: HistoryEntry;
}

/**
 * A comment. Requesters comment publicly on their own tickets; internal notes are for staff. A
 * requester's reply to a ticket awaiting them moves it back to in_progress (docs/api.md#tickets-in-brief).
 */
export function addComment(
  ticket: Ticket,
  input: AddCommentInput,
  caller: Caller,
  stamp: Stamp & { commentId: string },
): CommentResult {
  const visibility = input.visibility ?? 'public';
  const staff = isStaff(caller);
  const requester = isRequesterOf(ticket, caller);
  const participant = input.participant === true && visibility === 'public';
  if (!staff && !requester && !participant) {
    throw new ForbiddenError('only agents, admins and the requester may comment');
  }
  if (visibility === 'internal' && !staff)
    throw new ForbiddenError('only agents and admins may add internal notes');
  if (isFinal(ticket.status) && visibility === 'public') {
    throw new ConflictError(`ticket ${ticket.id} is ${ticket.status}; it takes internal notes only`, {
      code: 'ticket_closed',
      ticketStatus: ticket.status,
    });
  }

  const comment: Comment = {
    id: stamp.commentId,
    ticketId: ticket.id,
    body: input.body,
    visibility,
    // The requester writes as the ticket names them, whichever channel or id they came by
    // (docs/api.md#one-person-across-channels): their own replies are never mailed back to them as
    // an agent's. The history still names the caller who acted.
    author: { id: requester ? ticket.requester.id : caller.id, email: caller.email, name: caller.name },
    createdAt: stamp.now,
    attachments: input.attachments ?? [],
  };
  const resumes =
    requester &&
    visibility === 'public' &&
    ticket.status === 'on_hold' &&
    ticket.holdReason === 'awaiting_customer';
  const reopens =
    input.reopens === true && requester && visibility === 'public' && isReopen(ticket.status, 'in_progress');
  const after: Ticket = {
    ...ticket,
    ...(resumes ? { status: 'in_progress' as const, holdReason: null } : {}),
    ...(reopens ? { status: 'in_progress' as const, resolvedAt: null, resolution: null } : {}),
    updatedAt: stamp.now,
    version: ticket.version + 1,
  };
  const statusChanged = resumes || reopens;
  const changes = statusChanged ? diff(ticket, after) : [];
  const history: HistoryEntry = {
    id: stamp.eventId,
    recordId: ticket.id,
    at: stamp.now,
    actor: actorOf(caller),
    action: 'commented',
    changes: [{ field: 'comments', from: null, to: { id: comment.id, visibility } }, ...changes],
    events: [
      { detailType: 'Comment Added', detail: { ticketId: ticket.id, commentId: comment.id, visibility } },
      ...(statusChanged
        ? [
            {
              detailType: 'Ticket Status Changed',
              detail: { ticketId: ticket.id, from: ticket.status, to: 'in_progress' },
            },
          ]
        : []),
    ],
  };
  return { comment, ticket: after, history };
}

const TRACKED_FIELDS = [
  'title',
  'description',
  'status',
  'holdReason',
  'impact',
  'urgency',
  'priority',
  'assignee',
  'group',
  'category',
  'ciIds',
  'serviceId',
  'serviceIdSource',
  'affectedServices',
  'resolution',
  'resolvedAt',
  'closedAt',
  'links',
  'knownErrorId',
  'cascade',
  'approvals',
  'tasks',
  'cancelReason',
  'serviceImpact',
  'feedback',
  'alert',
] as const;

/** Field-level from→to for history; values compared structurally. */
export function diff(before: Ticket, after: Ticket): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TRACKED_FIELDS) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes.push({ field, from: before[field], to: after[field] });
    }
  }
  return changes;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** What a catalog request adds to a new service request; the catalog's request service builds it. */
export interface CatalogRequestParts {
  readonly catalogItem: { readonly id: string; readonly version: number };
  readonly form: Readonly<Record<string, unknown>>;
  readonly approvals: readonly RequestApproval[];
  readonly approvalTerms: ApprovalTerms | null;
  readonly tasks: readonly RequestTask[];
}

/** Tasks after their request is cancelled: every one not yet final becomes `cancelled` (docs/catalog.md#fulfilment). */
export function cancelUnfinishedTasks(tasks: readonly RequestTask[]): RequestTask[] {
  return tasks.map((task) =>
    task.status === 'done' || task.status === 'skipped' || task.status === 'cancelled'
      ? task
      : { ...task, status: 'cancelled' as const },
  );
}

/**
 * A catalog request awaiting approval leaves that hold only by a decision, expiry or cancellation
 * (docs/catalog.md#approvals): a PATCH that would end it, or change its reason, is 409.
 */
function assertApprovalHoldKept(ticket: Ticket, input: UpdateTicketInput): void {
  if (ticket.status !== 'on_hold' || ticket.holdReason !== 'awaiting_approval') return;
  const leaves = input.status !== undefined && input.status !== 'on_hold' && input.status !== 'cancelled';
  const reasoned = input.holdReason !== undefined && input.holdReason !== 'awaiting_approval';
  if (leaves || reasoned) {
    throw new ConflictError(
      `${ticket.id} is awaiting approval; only a decision (POST /tickets/${ticket.id}/approvals), expiry or cancellation ends that hold`,
      { code: 'awaiting_approval', allowed: ['cancelled'] },
    );
  }
}
