import type { Criticality } from '../cmdb/model.js';
import type { Person } from '../tickets/model.js';

/** A change request as docs/changes.md describes it; the shape responses carry. */
export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const CHANGE_STATUSES = [
  'draft',
  'assessing',
  'pending_approval',
  'scheduled',
  'implementing',
  'review',
  'closed',
  'rejected',
  'cancelled',
  'failed',
] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const IMPLEMENTATION_OUTCOMES = ['successful', 'partially_successful', 'failed'] as const;
export type ImplementationOutcome = (typeof IMPLEMENTATION_OUTCOMES)[number];

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/**
 * Approval stages, in order: the CAB stage (the change's approval groups, or `ecab` for an
 * emergency), then the change-manager stage that high risk adds.
 */
export const APPROVAL_STAGES = ['cab', 'change_manager'] as const;
export type ApprovalStage = (typeof APPROVAL_STAGES)[number];

/** `withdrawn`: still undecided when the change was rejected by another group or cancelled. */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'withdrawn'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The group every emergency change needs one approval from. */
export const EMERGENCY_GROUP = 'ecab';
/** The group high risk adds as a final stage. */
export const CHANGE_MANAGER_GROUP = 'change-managers';

export interface Risk {
  readonly level: RiskLevel;
  readonly score: number;
  /**
   * What the level was computed from: one sentence per rule evaluated, whether it added points or
   * not, so a low risk lists its reasons too.
   */
  readonly reasons: readonly string[];
}

/**
 * How another in-flight change meets this one, strongest first: both name a CI (`same_ci`); a CI of
 * each is one impact edge from the other (`related_ci`); their closures list the same live business
 * service (`shared_service`). A pair of changes is reported once, by the strongest.
 */
export const CONFLICT_VIAS = ['same_ci', 'related_ci', 'shared_service'] as const;
export type ConflictVia = (typeof CONFLICT_VIAS)[number];

/**
 * Another in-flight change on an overlapping window (linked as `via` says), or a freeze window the
 * change meets.
 */
export type Conflict =
  | {
      readonly kind: 'change';
      readonly changeId: string;
      readonly via: ConflictVia;
      /** The CIs both changes name: empty unless `via` is `same_ci`. */
      readonly ciIds: readonly string[];
      /** `related_ci`: [this change's CI, the other change's CI], one impact edge apart either way. */
      readonly path?: readonly [string, string];
      /** `shared_service`: the live business service both changes' closures list. */
      readonly serviceId?: string;
      readonly plannedStart: string;
      readonly plannedEnd: string;
    }
  | {
      readonly kind: 'freeze';
      readonly freezeWindowId: string;
      readonly name: string;
      readonly start: string;
      readonly end: string;
      /** True when the freeze stopped the change (normal and standard changes); emergencies pass. */
      readonly blocking: boolean;
    };

/** A service a downstream impact analysis from the change's CIs reaches (functions/cmdb/impact.ts). */
export interface ImpactedService {
  readonly id: string;
  readonly name: string;
  readonly criticality: Criticality;
  /** Impact edges from the nearest of the change's CIs. */
  readonly level: number;
}

/** One group's approval as the change shows it; the task token stays on the server. */
export interface Approval {
  readonly stage: ApprovalStage;
  readonly group: string;
  readonly status: ApprovalStatus;
  readonly approver: string | null;
  readonly decision: ApprovalDecision | null;
  readonly comment: string | null;
  readonly requestedAt: string;
  readonly escalatedAt: string | null;
  readonly decidedAt: string | null;
}

export interface ImplementationReport {
  readonly outcome: ImplementationOutcome | 'timed_out';
  readonly notes: string | null;
  readonly reportedBy: string | null;
  readonly reportedAt: string;
}

export interface Review {
  readonly notes: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string;
}

export interface Change {
  readonly id: string;
  readonly type: ChangeType;
  readonly title: string;
  readonly description: string;
  readonly status: ChangeStatus;
  /** Null until the workflow has assessed it. */
  readonly risk: Risk | null;
  readonly ciIds: readonly string[];
  /** CIs the CMDB did not know at creation (accepted only with strict CI ids off); read-only. */
  readonly unknownCiIds: readonly string[];
  /**
   * The services a downstream impact analysis from the CIs reaches (depth 5, redundancy applied),
   * nearest first; set by the assessment, empty until then. Read-only.
   */
  readonly impactedServices: readonly ImpactedService[];
  readonly plannedStart: string;
  readonly plannedEnd: string;
  readonly implementationPlan: string | null;
  readonly backoutPlan: string | null;
  /** Groups a normal change asks; standard and emergency changes leave it empty (see approvals). */
  readonly approvalGroups: readonly string[];
  readonly approvals: readonly Approval[];
  readonly conflicts: readonly Conflict[];
  /** Who the change is for (they may read it); the submitting agent unless given. */
  readonly requester: Person;
  readonly submittedBy: { readonly id: string; readonly name: string | null };
  /** Why the change ended rejected, cancelled or failed; null otherwise. */
  readonly statusReason: string | null;
  readonly implementation: ImplementationReport | null;
  readonly review: Review | null;
  /** The Step Functions execution that drives it (an auditor opens it in the console). */
  readonly executionArn: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/**
 * A period in which changes must not be made (an admin setting). It freezes the CIs it names and,
 * for each service it names, the service and every CI of its closure; naming neither freezes every CI.
 */
export interface FreezeWindow {
  readonly id: string;
  readonly name: string;
  readonly start: string;
  readonly end: string;
  readonly reason: string | null;
  readonly ciIds: readonly string[];
  readonly serviceIds: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface ChangeEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/**
 * One audit entry of a change, written in the same transaction as what it records. Its `events`
 * are the outbox: the stream publisher puts them on the bus, exactly as for tickets.
 */
export interface ChangeHistoryEntry {
  readonly id: string;
  readonly recordId: string;
  readonly at: string;
  readonly actor: { readonly id: string; readonly name: string | null };
  readonly action: string;
  readonly changes: readonly FieldChange[];
  readonly events: readonly ChangeEvent[];
}

/** Human id: `CHG-000042`. */
export const CHANGE_PREFIX = 'CHG';
export const CHANGE_ID_PATTERN = /^CHG-\d{6,}$/;

export function formatChangeId(sequence: number): string {
  return `${CHANGE_PREFIX}-${String(sequence).padStart(6, '0')}`;
}

/** The workflow acts as this actor in history and events. */
export const WORKFLOW_ACTOR = { id: 'workflow', name: 'Change workflow' } as const;

/**
 * A stored change as the current model reads it: records written before a field existed get its
 * default (no unknown CIs, no impacted services, `same_ci` conflicts: the only kind there was).
 */
export function withChangeDefaults(stored: Change): Change {
  const partial = stored as Partial<Change> & Change;
  const conflicts = (partial.conflicts ?? []).map((conflict) =>
    conflict.kind === 'change' && conflict.via === undefined
      ? { ...conflict, via: 'same_ci' as const }
      : conflict,
  );
  return {
    ...stored,
    unknownCiIds: partial.unknownCiIds ?? [],
    impactedServices: partial.impactedServices ?? [],
    conflicts,
  };
}

/** A stored freeze window as the current model reads it (windows written before `serviceIds` name none). */
export function withFreezeWindowDefaults(stored: FreezeWindow): FreezeWindow {
  return { ...stored, serviceIds: (stored as Partial<FreezeWindow>).serviceIds ?? [] };
}
