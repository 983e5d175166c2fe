import { isFinal } from '../tickets/lifecycle.js';
import type { TicketStatus } from '../tickets/model.js';
import { addBusinessMs, businessMsBetween, NoWorkingTimeError } from './business-time.js';
import type { Calendar } from './calendar.js';
import { CLOCKS, type ClockName, type SlaClock, type TicketSla } from './model.js';
import { type SlaPolicy, selectPolicy } from './policy.js';

/** The ticket facts the clocks follow. */
export interface ClockedTicket {
  readonly id: string;
  readonly type: 'incident' | 'service_request' | 'problem';
  readonly priority: number;
  /** The primary service: policies may match on it (`match.serviceIds`). */
  readonly serviceId?: string | null;
  readonly status: TicketStatus;
  readonly createdAt: string;
  readonly sla: TicketSla | null;
}

export interface SlaConfig {
  readonly policies: readonly SlaPolicy[];
  readonly calendars: ReadonlyMap<string, Calendar>;
}

export interface SlaEvent {
  readonly detailType: 'SLA Warning' | 'SLA Breached';
  readonly detail: Record<string, unknown>;
}

const MINUTE = 60_000;

/**
 * The clocks after a ticket change. Clocks start at creation and count only calendar time; statuses
 * in `pauseOn` stop both running clocks; the resolution clock stops at resolved and resumes on
 * reopen with the time already spent kept; first response is met by `responded` or by resolving.
 * The policy is selected afresh on every change, so a change of priority, type or service
 * (`serviceId`) that selects another policy recomputes from the original start, with the same
 * pause intervals re-measured on the new calendar. A clock completed late records its breach here
 * (the sweeper may not have seen it yet).
 */
export function trackSla(
  before: ClockedTicket | undefined,
  after: ClockedTicket,
  config: SlaConfig,
  now: Date,
  signals: { responded?: boolean } = {},
): { sla: TicketSla | null; events: SlaEvent[] } {
  const policy = selectPolicy(config.policies, after);
  const calendar = policy && config.calendars.get(policy.calendarId);
  if (!policy || !calendar) return { sla: null, events: [] };
  const at = now.toISOString();
  const previous = before?.sla ?? null;
  const samePolicy = previous?.policyId === policy.id;
  const paused = policy.pauseOn.includes(after.status);
  const resolvedNow = after.status === 'resolved' || after.status === 'closed';
  const reopened = before?.status === 'resolved' && !resolvedNow && !isFinal(after.status);

  const next = (name: ClockName): SlaClock => {
    const old = previous?.[name];
    let clock: Mutable<SlaClock> = {
      targetMinutes: policy.targets[name],
      startedAt: old?.startedAt ?? after.createdAt,
      dueAt: null,
      warnAt: null,
      metAt: old?.metAt ?? null,
      // A new policy sets new deadlines: its warning and breach are recorded afresh.
      warnedAt: samePolicy ? (old?.warnedAt ?? null) : null,
      breachedAt: samePolicy ? (old?.breachedAt ?? null) : null,
      pausedMs: 0,
      pauses: [...(old?.pauses ?? [])],
    };
    if (name === 'resolution' && reopened && clock.metAt) {
      clock.pauses.push({ from: clock.metAt, to: at });
      clock.metAt = null;
    }
    if (!clock.metAt && !isFinal(after.status)) {
      clock = withPause(clock, paused, at);
      const completes = resolvedNow || (name === 'firstResponse' && signals.responded === true);
      if (completes) clock = { ...withPause(clock, false, at), metAt: at };
    }
    return schedule(clock, calendar, policy.warnAt, now);
  };

  const sla: TicketSla = {
    policyId: policy.id,
    calendarId: calendar.id,
    firstResponse: next('firstResponse'),
    resolution: next('resolution'),
    pendingNotices: samePolicy ? (previous?.pendingNotices ?? []) : [],
  };
  return lateCompletions(after.id, sla, previous);
}

/** Clocks that completed after their due time record the breach now, once. */
function lateCompletions(
  ticketId: string,
  sla: TicketSla,
  previous: TicketSla | null,
): { sla: TicketSla; events: SlaEvent[] } {
  const events: SlaEvent[] = [];
  let result = sla;
  for (const name of CLOCKS) {
    const clock = result[name];
    const justMet = clock.metAt && !previous?.[name]?.metAt;
    if (justMet && !clock.breachedAt && clock.dueAt && clock.metAt! > clock.dueAt) {
      result = { ...result, [name]: { ...clock, breachedAt: clock.dueAt } };
      events.push(slaEvent('SLA Breached', ticketId, name, result));
    }
  }
  return { sla: result, events };
}

/** Opens a pause when the clock should stand still, closes it when it should run. */
function withPause(clock: Mutable<SlaClock>, paused: boolean, at: string): Mutable<SlaClock> {
  const open = clock.pauses.at(-1)?.to === null;
  if (paused && !open) return { ...clock, pauses: [...clock.pauses, { from: at, to: null }] };
  if (!paused && open)
    return { ...clock, pauses: [...clock.pauses.slice(0, -1), { from: clock.pauses.at(-1)!.from, to: at }] };
  return clock;
}

/** Due and warning instants: target (or its fraction) plus paused business time, from the start. */
export function schedule(clock: SlaClock, calendar: Calendar, warnFraction: number, now: Date): SlaClock {
  const pausedMs = clock.pauses.reduce(
    (sum, pause) =>
      sum + businessMsBetween(calendar, new Date(pause.from), pause.to ? new Date(pause.to) : now),
    0,
  );
  const start = new Date(clock.startedAt);
  try {
    return {
      ...clock,
      pausedMs,
      dueAt: addBusinessMs(calendar, start, clock.targetMinutes * MINUTE + pausedMs).toISOString(),
      warnAt: addBusinessMs(
        calendar,
        start,
        Math.round(clock.targetMinutes * warnFraction * MINUTE) + pausedMs,
      ).toISOString(),
    };
  } catch (error) {
    if (error instanceof NoWorkingTimeError) return { ...clock, pausedMs, dueAt: null, warnAt: null };
    throw error;
  }
}

export function isRunning(clock: SlaClock): boolean {
  return clock.metAt === null && clock.pauses.at(-1)?.to !== null;
}

export function slaEvent(
  detailType: SlaEvent['detailType'],
  ticketId: string,
  clock: ClockName,
  sla: TicketSla,
): SlaEvent {
  const c = sla[clock];
  return {
    detailType,
    detail: {
      ticketId,
      clock,
      policyId: sla.policyId,
      dueAt: c.dueAt,
      warnedAt: c.warnedAt,
      breachedAt: c.breachedAt,
    },
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
