import type { TicketSla } from '../sla/model.js';

/** The ticket as docs/api.md#tickets-in-brief describes it; the shape responses carry. */
export const TICKET_TYPES = ['incident', 'service_request', 'problem'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_PREFIX: Record<TicketType, string> = {
  incident: 'INC',
  service_request: 'REQ',
  problem: 'PRB',
};

export const TICKET_STATUSES = [
  'new',
  'in_progress',
  'on_hold',
  'known_error',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const HOLD_REASONS = [
  'awaiting_customer',
  'awaiting_vendor',
  'scheduled',
  'awaiting_approval',
  'awaiting_problem',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];
/**
 * Hold reasons a PATCH may set: `awaiting_approval` is the catalog's (docs/catalog.md#approvals),
 * set when a request is submitted and ended only by a decision, expiry or cancellation.
 */
export const SETTABLE_HOLD_REASONS = [
  'awaiting_customer',
  'awaiting_vendor',
  'scheduled',
  // Incidents linked caused_by a problem (docs/problems.md#incidents-awaiting-a-problem).
  'awaiting_problem',
] as const;

export const RESOLUTION_CODES = [
  'fixed',
  'workaround',
  'duplicate',
  'not_reproducible',
  'no_action_needed',
  'other',
  /** Set only by alert intake: the monitoring alert cleared (docs/alerts.md#rules). */
  'alert_cleared',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export const TICKET_SOURCES = ['api', 'email', 'alert'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

/**
 * How a ticket's `serviceId` was chosen: named by a person (`manual`), taken from its CIs' one
 * affected service (`ci`), by an alert, or by a catalog item.
 */
export const SERVICE_ID_SOURCES = ['manual', 'ci', 'alert', 'catalog'] as const;
export type ServiceIdSource = (typeof SERVICE_ID_SOURCES)[number];

/** A service the ticket affects, with its name as the CMDB had it when the ticket was written. */
export interface AffectedService {
  readonly id: string;
  readonly name: string;
}

/** Ticket-to-ticket link types a caller may create; `affects` (ticket → CI) is kept in `ciIds`. */
export const LINK_TYPES = [
  'duplicate_of',
  'caused_by',
  'parent_of',
  'child_of',
  'relates_to',
  'affects',
  /** Incident → change (docs/ticket-metrics.md#caused-by-change): the change shows it as `causes_incident`. */
  'caused_by_change',
] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** The reverse side a link is stored as on its target. */
export const INVERSE_LINK = {
  duplicate_of: 'has_duplicate',
  has_duplicate: 'duplicate_of',
  caused_by: 'causes',
  causes: 'caused_by',
  parent_of: 'child_of',
  child_of: 'parent_of',
  relates_to: 'relates_to',
} as const;
export type StoredLinkType = keyof typeof INVERSE_LINK;

export interface TicketLink {
  /** `caused_by_change` names a change; its reverse lives on the change (functions/changes/incident-links.ts). */
  readonly type: StoredLinkType | 'affects' | 'caused_by_change';
  readonly targetId: string;
}

export interface Person {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
}

export interface Resolution {
  readonly code: ResolutionCode;
  readonly notes: string;
}

/** A catalog request's approval by one group (docs/catalog.md#approvals). */
export interface RequestApproval {
  readonly group: string;
  readonly decision: 'approve' | 'reject' | null;
  readonly approver: string | null;
  readonly comment: string | null;
  readonly decidedAt: string | null;
}

/** The approval policy a request was submitted under, with its due times (the sweeper's). */
export interface ApprovalTerms {
  readonly policy: 'all' | 'any';
  readonly escalateAt: string;
  readonly expireAt: string;
  readonly escalatedAt: string | null;
}

export const TASK_STATUSES = [
  'pending',
  'open',
  'in_progress',
  'done',
  'skipped',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A fulfilment task: one step of the catalog item's DAG, as data on the request (docs/catalog.md#fulfilment). */
export interface RequestTask {
  readonly id: string;
  readonly name: string;
  readonly groupId: string;
  readonly after: readonly string[];
  readonly instructions: string | null;
  readonly status: TaskStatus;
  readonly assignee: string | null;
  readonly notes: string | null;
}

/** An incident's effect on its services (docs/ticket-metrics.md#service-impact): `outage` counts against availability. */
export const SERVICE_IMPACTS = ['outage'] as const;
export type ServiceImpact = (typeof SERVICE_IMPACTS)[number];

/**
 * Read-only figures the reports read from the ticket item (docs/ticket-metrics.md#metrics), kept by
 * functions/tickets/metrics.ts on every ticket write; agents only.
 */
export interface TicketMetrics {
  /** The first of: leaving `new`, an assignee set, the first public agent comment, an alert acknowledge. */
  readonly acknowledgedAt: string | null;
  /** The first time the ticket was resolved; kept through reopens. */
  readonly firstResolvedAt: string | null;
  readonly reopenCount: number;
  /** Changes of `group` after its first non-null group. */
  readonly groupChanges: number;
  readonly agentPublicReplies: number;
  /** Public requester comments after creation (API or mail). */
  readonly requesterFollowUps: number;
  /** First-contact resolution, decided at resolution; null while open, for problems and alert tickets. */
  readonly fcr: boolean | null;
}

export const CANCEL_REASONS = ['approval_rejected', 'approval_expired'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export interface Ticket {
  readonly id: string;
  readonly type: TicketType;
  readonly title: string;
  readonly description: string;
  readonly status: TicketStatus;
  readonly holdReason: HoldReason | null;
  readonly impact: 1 | 2 | 3;
  readonly urgency: 1 | 2 | 3;
  readonly priority: 1 | 2 | 3 | 4 | 5;
  readonly requester: Person;
  readonly assignee: string | null;
  readonly group: string | null;
  readonly category: string | null;
  readonly ciIds: readonly string[];
  /** The primary service (a live service of the CMDB); null when none is named or derived. */
  readonly serviceId: string | null;
  /** How `serviceId` was chosen; null when there is none. */
  readonly serviceIdSource: ServiceIdSource | null;
  /**
   * Read-only: the services the ticket affects, the closures of its CIs plus `serviceId`, computed
   * when either is written (docs/api.md#tickets-in-brief).
   */
  readonly affectedServices: readonly AffectedService[];
  /** Read-only: ids in `ciIds` the CMDB did not know when written (only with `cmdb.strictCiIds` off). */
  readonly unknownCiIds: readonly string[];
  readonly source: TicketSource;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly resolution: Resolution | null;
  /** When a resolved ticket closes by itself (docs/api.md#tickets-in-brief); null unless resolved. */
  readonly autoCloseAt: string | null;
  /** SLA clocks (docs/sla.md#clocks-on-the-ticket); null when no policy applies (P5 by default). */
  readonly sla: TicketSla | null;
  /** Ticket-to-ticket links (both directions) plus `affects` for each CI. */
  readonly links: readonly TicketLink[];
  /** A catalog request's item, pinned at the version it was submitted against; null otherwise. */
  readonly catalogItem: { readonly id: string; readonly version: number } | null;
  /** The catalog form as submitted (valid against the pinned item's schema); null otherwise. */
  readonly form: Readonly<Record<string, unknown>> | null;
  /** Approvals a catalog request waits for or got; empty when none is needed. */
  readonly approvals: readonly RequestApproval[];
  /** Policy and due times of `approvals`; null when there are none. */
  readonly approvalTerms: ApprovalTerms | null;
  /** Fulfilment tasks of a catalog request; empty otherwise. */
  readonly tasks: readonly RequestTask[];
  /** Why a ticket was cancelled automatically; null otherwise. */
  readonly cancelReason: CancelReason | null;
  /** Read-only, agents only: published known errors matching the incident when it was created. */
  readonly suggestedKnownErrors: readonly SuggestedKnownError[];
  /** Problems: the known error recording its workaround (set on the move to `known_error`); else null. */
  readonly knownErrorId: string | null;
  /** Problems: the cascade the last resolution asked for; else null. */
  readonly cascade: ProblemCascade | null;
  /** Incidents: `outage` when the incident takes its services down (set by agents); else null. */
  readonly serviceImpact: ServiceImpact | null;
  /** Read-only, agents only: what the reports measure (docs/ticket-metrics.md#metrics). */
  readonly metrics: TicketMetrics;
  /**
   * Read-only: the satisfaction survey of the latest resolution (docs/csat.md); null until one is
   * issued. Written by the CSAT capability only; absent on tickets built before it existed.
   */
  readonly feedback?: TicketFeedback | null;
  /**
   * Read-only, alert incidents only (docs/alerts.md#the-alert-block-on-the-incident): the alert
   * behind the incident, written by alert intake in its own transactions; absent on other tickets.
   */
  readonly alert?: TicketAlert | null;
  readonly version: number;
}

/** The alert block of an alert incident (SPEC §13 rule 1); `autoResolve` alone is agent-editable. */
export interface TicketAlert {
  readonly integrationId: string;
  readonly dedupKey: string;
  readonly state: 'firing' | 'resolved';
  readonly fireCount: number;
  readonly notificationCount: number;
  readonly firstFiredAt: string | null;
  readonly lastFiredAt: string | null;
  readonly clearedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly severity: 'critical' | 'error' | 'warning' | 'info';
  readonly labels: Readonly<Record<string, string>>;
  readonly generatorUrl: string | null;
  readonly unmapped: boolean;
  readonly flapping: boolean;
  readonly flapQuietUntil: string | null;
  readonly autoResolve: boolean;
}

/** The states of a ticket's satisfaction survey (docs/csat.md#states). */
export const FEEDBACK_STATUSES = ['pending', 'answered', 'voided', 'expired'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

/** A ticket's `feedback` (docs/csat.md): the survey's state and, once answered, the answer. */
export interface TicketFeedback {
  readonly status: FeedbackStatus;
  readonly rating: number | null;
  readonly comment: string | null;
  readonly answeredAt: string | null;
  readonly expiresAt: string;
}

/** Where a known error matched a ticket (docs/problems.md#suggestions). */
export type KnownErrorMatch =
  | { readonly ciId: string }
  | { readonly serviceId: string }
  | { readonly errorCode: string };

/** A published known error suggested for an incident at creation, ranked (at most 5). */
export interface SuggestedKnownError {
  readonly id: string;
  readonly score: number;
  readonly matchedOn: readonly KnownErrorMatch[];
}

/** What resolving a problem does to the incidents it caused (docs/problems.md#cascade). */
export const CASCADE_MODES = ['none', 'awaiting_problem', 'all_open'] as const;
export type CascadeMode = (typeof CASCADE_MODES)[number];

/** The cascade a problem's resolution asked for: incidents still to resolve, and those left as they were. */
export interface ProblemCascade {
  readonly mode: CascadeMode;
  readonly pending: readonly string[];
  readonly skipped: readonly string[];
}

export interface Comment {
  readonly id: string;
  readonly ticketId: string;
  readonly body: string;
  readonly visibility: 'public' | 'internal';
  readonly author: Person;
  readonly createdAt: string;
  readonly attachments: readonly unknown[];
}

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** One audit entry; written in the same transaction as the change it records. */
export interface HistoryEntry {
  readonly id: string;
  readonly recordId: string;
  readonly at: string;
  readonly actor: { readonly id: string; readonly name: string | null };
  readonly action: 'created' | 'updated' | 'commented' | 'linked' | 'sla';
  readonly changes: readonly FieldChange[];
  /** The domain events this change yields; the stream publisher puts them on the bus (outbox). */
  readonly events: readonly { readonly detailType: string; readonly detail: Record<string, unknown> }[];
}

/** Fields added after tickets were first stored; an item written before them lacks them. */
type LaterFields =
  | 'serviceId'
  | 'serviceIdSource'
  | 'affectedServices'
  | 'unknownCiIds'
  | 'catalogItem'
  | 'form'
  | 'approvals'
  | 'approvalTerms'
  | 'tasks'
  | 'cancelReason'
  | 'suggestedKnownErrors'
  | 'knownErrorId'
  | 'cascade'
  | 'serviceImpact'
  | 'metrics'
  | 'feedback';

/**
 * A stored ticket as the current model has it: an item written before a field existed reads with
 * that field's default (no service, none affected, no unknown CIs), so every read answers the full
 * shape and responses validate. Stores apply it to what they read.
 */
export function withTicketDefaults(
  stored: Omit<Ticket, LaterFields> & Partial<Pick<Ticket, LaterFields>>,
): Ticket {
  return {
    ...stored,
    serviceId: stored.serviceId ?? null,
    serviceIdSource: stored.serviceIdSource ?? null,
    affectedServices: stored.affectedServices ?? [],
    unknownCiIds: stored.unknownCiIds ?? [],
    catalogItem: stored.catalogItem ?? null,
    form: stored.form ?? null,
    approvals: stored.approvals ?? [],
    approvalTerms: stored.approvalTerms ?? null,
    tasks: stored.tasks ?? [],
    cancelReason: stored.cancelReason ?? null,
    suggestedKnownErrors: stored.suggestedKnownErrors ?? [],
    knownErrorId: stored.knownErrorId ?? null,
    cascade: stored.cascade ?? null,
    serviceImpact: stored.serviceImpact ?? null,
    metrics: stored.metrics ?? NO_METRICS,
    feedback: stored.feedback ?? null,
  };
}

/** The metrics of a ticket nothing has happened to yet, and of items stored before metrics existed. */
export const NO_METRICS: TicketMetrics = {
  acknowledgedAt: null,
  firstResolvedAt: null,
  reopenCount: 0,
  groupChanges: 0,
  agentPublicReplies: 0,
  requesterFollowUps: 0,
  fcr: null,
};

/** Human id: `INC-000042`. Six digits, growing past them rather than wrapping. */
export function formatTicketId(type: TicketType, sequence: number): string {
  return `${TICKET_PREFIX[type]}-${String(sequence).padStart(6, '0')}`;
}

/** Most CIs a ticket affects (PATCH `ciIds` and `affects` links alike): bounds the item and its writes. */
export const MAX_CIS_PER_TICKET = 20;

export const TICKET_ID_PATTERN = /^(INC|REQ|PRB)-\d{6,}$/;
