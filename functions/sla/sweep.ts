import { isFinal } from '../tickets/lifecycle.js';
import { isWorkingTime, nextWorkingInstant } from './business-time.js';
import type { Calendar } from './calendar.js';
import { type ClockedTicket, isRunning, type SlaEvent, slaEvent } from './clocks.js';
import { CLOCKS, type PendingNotice, type TicketSla } from './model.js';

/**
 * A notification owed now, as a domain event written with the sweep's recording (the history
 * entry is the outbox): the email notifier mails it to the group and assignee (else the fallback
 * address, notices.ts), once per event.
 */
export interface SlaNoticeEvent {
  readonly detailType: 'SLA Notice Due';
  readonly detail: {
    readonly ticketId: string;
    readonly notice: PendingNotice['kind'];
    readonly clock: PendingNotice['clock'];
    readonly policyId: string;
    readonly dueAt: string | null;
  };
}

export function slaNoticeEvent(ticketId: string, notice: PendingNotice, sla: TicketSla): SlaNoticeEvent {
  return {
    detailType: 'SLA Notice Due',
    detail: {
      ticketId,
      notice: notice.kind,
      clock: notice.clock,
      policyId: sla.policyId,
      dueAt: sla[notice.clock].dueAt,
    },
  };
}

export interface SweepResult {
  /** The ticket's new SLA state; undefined when nothing changed. */
  readonly sla?: TicketSla;
  readonly events: SlaEvent[];
  /** Notifications owed now (the rest wait in `pendingNotices`): the sweeper records them as events. */
  readonly notify: PendingNotice[];
}

/**
 * What the sweeper does to one ticket at `now`: record each threshold crossed since the last sweep
 * (warning, then breach), once, at the instant it was crossed; and decide which notifications go
 * now. Notifications wait for the recipients' working time (`noticeCalendar`, the group's hours)
 * unless the ticket is P1: nobody should be paged at 3 a.m. for a P3, everyone should for a P1.
 */
export function sweepTicket(ticket: ClockedTicket, noticeCalendar: Calendar, now: Date): SweepResult {
  const sla = ticket.sla;
  if (!sla || isFinal(ticket.status)) return { events: [], notify: [] };
  const at = now.toISOString();
  let next: TicketSla = sla;
  const events: SlaEvent[] = [];
  const crossed: PendingNotice[] = [];
  for (const name of CLOCKS) {
    const clock = next[name];
    if (!isRunning(clock)) continue;
    if (!clock.warnedAt && clock.warnAt && clock.warnAt <= at) {
      next = { ...next, [name]: { ...next[name], warnedAt: clock.warnAt } };
      events.push(slaEvent('SLA Warning', ticket.id, name, next));
      crossed.push({ kind: 'warning', clock: name, notBefore: clock.warnAt });
    }
    if (!clock.breachedAt && clock.dueAt && clock.dueAt <= at) {
      next = { ...next, [name]: { ...next[name], breachedAt: clock.dueAt } };
      events.push(slaEvent('SLA Breached', ticket.id, name, next));
      crossed.push({ kind: 'breach', clock: name, notBefore: clock.dueAt });
    }
  }
  const sendNow = ticket.priority === 1 || isWorkingTime(noticeCalendar, now);
  const owed = [...next.pendingNotices, ...crossed];
  const notify = sendNow ? owed : [];
  const opening = sendNow ? at : nextWorkingInstant(noticeCalendar, now).toISOString();
  const waiting = sendNow ? [] : owed.map((notice) => ({ ...notice, notBefore: opening }));
  const changed =
    events.length > 0 || notify.length > 0 || JSON.stringify(waiting) !== JSON.stringify(sla.pendingNotices);
  if (!changed) return { events: [], notify: [] };
  return { sla: { ...next, pendingNotices: waiting }, events, notify };
}

/**
 * When the sweeper must next look at this ticket: the earliest warning or due time of a running
 * clock, or a deferred notification. Undefined keeps the ticket out of the sparse index.
 */
export function nextSlaDeadline(ticket: ClockedTicket): string | undefined {
  const sla = ticket.sla;
  if (!sla || isFinal(ticket.status)) return undefined;
  const candidates: string[] = sla.pendingNotices.map((notice) => notice.notBefore);
  for (const name of CLOCKS) {
    const clock = sla[name];
    if (!isRunning(clock)) continue;
    const next = !clock.warnedAt ? clock.warnAt : !clock.breachedAt ? clock.dueAt : null;
    if (next) candidates.push(next);
  }
  return candidates.sort()[0];
}
