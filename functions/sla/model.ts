/**
 * The SLA state a ticket carries (docs/sla.md): its clocks, pauses and owed notices. Data only, so
 * the ticket model can hold it without importing the rules that compute it.
 */

/** One interval the clock did not run: paused by status, or the resolution clock while resolved. */
export interface PauseSpan {
  readonly from: string;
  readonly to: string | null;
}

/** A clock (docs/sla.md#clocks-on-the-ticket). Times are ISO instants; `pausedMs` is business time spent paused. */
export interface SlaClock {
  readonly targetMinutes: number;
  readonly startedAt: string;
  readonly dueAt: string | null;
  /** When the warning fires (`warnAt` fraction of the target). */
  readonly warnAt: string | null;
  readonly metAt: string | null;
  /** The instant the warning threshold was crossed (recorded once, by the sweeper). */
  readonly warnedAt: string | null;
  /** The instant the clock breached (its due time), recorded once. */
  readonly breachedAt: string | null;
  readonly pausedMs: number;
  /** Pause intervals, kept so a change of policy or calendar recomputes paused time exactly. */
  readonly pauses: readonly PauseSpan[];
}

export const CLOCKS = ['firstResponse', 'resolution'] as const;
export type ClockName = (typeof CLOCKS)[number];

/** A notification the sweeper owes but deferred to the recipients' business hours. */
export interface PendingNotice {
  readonly kind: 'warning' | 'breach';
  readonly clock: ClockName;
  readonly notBefore: string;
}

export interface TicketSla {
  readonly policyId: string;
  readonly calendarId: string;
  readonly firstResponse: SlaClock;
  readonly resolution: SlaClock;
  readonly pendingNotices: readonly PendingNotice[];
}
