import type { HistoryEntry } from '../tickets/model.js';

/** A known error (docs/problems.md#known-errors): a recorded cause with its workaround. */
export const KNOWN_ERROR_STATUSES = ['draft', 'published', 'retired'] as const;
export type KnownErrorStatus = (typeof KNOWN_ERROR_STATUSES)[number];

export interface KnownErrorUsage {
  readonly applied: number;
  readonly resolvedIncidents: number;
}

export interface KnownError {
  readonly id: string;
  readonly title: string;
  readonly status: KnownErrorStatus;
  readonly symptom: string;
  readonly rootCause: string;
  readonly workaround: string;
  readonly permanentFix: string | null;
  /** The problem it records (a PRB), or null (e.g. a vendor's known error). */
  readonly problemId: string | null;
  readonly ciIds: readonly string[];
  readonly serviceIds: readonly string[];
  /** Identifiers, stored as given; matched case-insensitively. */
  readonly errorCodes: readonly string[];
  /** Requesters may read it once published. */
  readonly public: boolean;
  /** Read-only: kept from the stream (docs/problems.md#usage). */
  readonly usage: KnownErrorUsage;
  /** Read-only: ids in `ciIds` the CMDB did not know (only with `cmdb.strictCiIds` off). */
  readonly unknownCiIds: readonly string[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface KnownErrorInput {
  readonly title: string;
  readonly status?: KnownErrorStatus;
  readonly symptom?: string;
  readonly rootCause?: string;
  readonly workaround: string;
  readonly permanentFix?: string | null;
  readonly problemId?: string | null;
  readonly ciIds?: readonly string[];
  readonly serviceIds?: readonly string[];
  readonly errorCodes?: readonly string[];
  readonly public?: boolean;
}

export type KnownErrorPatch = Partial<KnownErrorInput>;

export interface KnownErrorFilter {
  readonly ciId?: string;
  readonly serviceId?: string;
  readonly errorCode?: string;
  readonly status?: KnownErrorStatus;
  readonly problemId?: string;
  /** Requesters: public ones only. */
  readonly publicOnly?: boolean;
}

export const KNOWN_ERROR_PREFIX = 'KE';
export const KNOWN_ERROR_ID_PATTERN = /^KE-\d{6,}$/;
export const MAX_KNOWN_ERROR_CIS = 50;
export const MAX_KNOWN_ERROR_SERVICES = 20;
export const MAX_KNOWN_ERROR_CODES = 20;

/** `KE-000001`: six digits, growing past them. */
export function formatKnownErrorId(sequence: number): string {
  return `${KNOWN_ERROR_PREFIX}-${String(sequence).padStart(6, '0')}`;
}

/** Whether a known error matches a list filter (every adapter narrows by this). */
export function matchesFilter(error: KnownError, filter: KnownErrorFilter): boolean {
  const code = filter.errorCode?.toLowerCase();
  return (
    (filter.ciId === undefined || error.ciIds.includes(filter.ciId)) &&
    (filter.serviceId === undefined || error.serviceIds.includes(filter.serviceId)) &&
    (code === undefined || error.errorCodes.some((c) => c.toLowerCase() === code)) &&
    (filter.status === undefined || error.status === filter.status) &&
    (filter.problemId === undefined || error.problemId === filter.problemId) &&
    (!filter.publicOnly || (error.public && error.status === 'published'))
  );
}

/** A known error's history entry: the same shape as tickets' (it is the outbox record too). */
export type KnownErrorHistory = HistoryEntry;
