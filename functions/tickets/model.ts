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

export const HOLD_REASONS = ['awaiting_customer', 'awaiting_vendor', 'scheduled'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export const RESOLUTION_CODES = [
  'fixed',
  'workaround',
  'duplicate',
  'not_reproducible',
  'no_action_needed',
  'other',
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
  readonly type: StoredLinkType | 'affects';
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
  readonly version: number;
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
type LaterFields = 'serviceId' | 'serviceIdSource' | 'affectedServices' | 'unknownCiIds';

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
  };
}

/** Human id: `INC-000042`. Six digits, growing past them rather than wrapping. */
export function formatTicketId(type: TicketType, sequence: number): string {
  return `${TICKET_PREFIX[type]}-${String(sequence).padStart(6, '0')}`;
}

/** Most CIs a ticket affects (PATCH `ciIds` and `affects` links alike): bounds the item and its writes. */
export const MAX_CIS_PER_TICKET = 20;

export const TICKET_ID_PATTERN = /^(INC|REQ|PRB)-\d{6,}$/;
