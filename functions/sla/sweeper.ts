import type { MailSender } from '../email/mail/mail-sender.js';
import type { Group } from '../groups/model.js';
import type { GroupStore } from '../groups/store/group-store.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { isDueForAutoClose, withAutoClose } from '../tickets/auto-close.js';
import type { HistoryEntry, Ticket } from '../tickets/model.js';
import { applyUpdate, updateHistory } from '../tickets/rules.js';
import { withSla } from '../tickets/service.js';
import { StaleWriteError, type TicketStore } from '../tickets/store/ticket-store.js';
import { ALWAYS_ON_CALENDAR_ID, BUSINESS_HOURS_CALENDAR_ID, type Calendar } from './calendar.js';
import type { PendingNotice, SlaConfig } from './clocks.js';
import type { SlaConfigStore } from './store/sla-config-store.js';
import { sweepTicket } from './sweep.js';

/** Tickets one sweep examines at most; the rest wait for the next run (one a minute). */
const MAX_PER_SWEEP = 1_000;
const PAGE = 100;

export interface SweepSummary {
  readonly examined: number;
  readonly warned: number;
  readonly breached: number;
  readonly notified: number;
  /** Resolved tickets closed automatically (SPEC §3). */
  readonly closed: number;
}

export interface SweeperOptions {
  /** Domain of the Message-IDs of notification mail. */
  readonly mailDomain: string;
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

const SWEEPER = { id: 'opsdesk-sla', name: 'SLA sweeper' } as const;
/** The system closing resolved tickets; an admin-like caller so the lifecycle rules allow it. */
const AUTO_CLOSE: Caller = {
  id: 'opsdesk-auto-close',
  email: null,
  name: 'Auto-close',
  roles: new Set(['admin']),
};

/**
 * The SLA sweeper: reads only tickets whose next deadline has passed (the sparse index), records
 * each warning and breach once with a write conditional on the ticket's version (so concurrent or
 * repeated sweeps cannot record twice), writes history and events in the same transaction, then
 * notifies the assignee and group.
 */
export class SlaSweeper {
  constructor(
    private readonly tickets: TicketStore,
    private readonly config: SlaConfigStore,
    private readonly groups: GroupStore,
    private readonly mail: MailSender,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly options: SweeperOptions,
  ) {}

  async sweep(): Promise<SweepSummary> {
    const now = this.clock.now();
    const config = await this.config.load();
    let examined = 0;
    let warned = 0;
    let breached = 0;
    let notified = 0;
    let closed = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.tickets.listSlaDue(now.toISOString(), { limit: PAGE, startKey });
      for (const due of page.items) {
        examined++;
        if (isDueForAutoClose(due, now)) {
          closed += (await this.autoClose(due, config, now)) ? 1 : 0;
          continue;
        }
        const group = due.group ? await this.groups.get(due.group) : undefined;
        const noticeCalendar =
          config.calendars.get(group?.calendarId ?? BUSINESS_HOURS_CALENDAR_ID) ??
          config.calendars.get(ALWAYS_ON_CALENDAR_ID);
        if (!noticeCalendar) continue;
        const outcome = await this.sweepOne(due, noticeCalendar, now);
        warned += outcome.events.filter((e) => e.detailType === 'SLA Warning').length;
        breached += outcome.events.filter((e) => e.detailType === 'SLA Breached').length;
        notified += await this.notify(outcome.ticket, group, outcome.notify, outcome.historyId);
      }
      startKey = page.lastKey;
    } while (startKey && examined < MAX_PER_SWEEP);
    return { examined, warned, breached, notified, closed };
  }

  /** Closes a resolved ticket whose auto-close time has come, as an update by the system. */
  private async autoClose(due: Ticket, config: SlaConfig, now: Date): Promise<boolean> {
    let ticket: Ticket | undefined = due;
    for (let attempt = 0; attempt < 5 && ticket && isDueForAutoClose(ticket, now); attempt++) {
      const stamp = { now: now.toISOString(), eventId: this.newId() };
      const result = applyUpdate(ticket, { status: 'closed' }, AUTO_CLOSE, stamp);
      const { ticket: after, events } = withSla(
        ticket,
        withAutoClose(ticket, result.ticket, 0),
        config,
        stamp,
      );
      const history = updateHistory(ticket, result, AUTO_CLOSE, stamp);
      try {
        await this.tickets.commit([
          { before: ticket, after, history: { ...history, events: [...history.events, ...events] } },
        ]);
        return true;
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
        ticket = await this.tickets.get(ticket.id);
      }
    }
    return false;
  }

  /** One ticket; a concurrent write makes it re-read and re-evaluate (then usually nothing is left). */
  private async sweepOne(
    due: Ticket,
    noticeCalendar: Calendar,
    now: Date,
  ): Promise<{ ticket: Ticket; events: HistoryEntry['events']; notify: PendingNotice[]; historyId: string }> {
    let ticket: Ticket | undefined = due;
    for (let attempt = 0; attempt < 5 && ticket; attempt++) {
      const result = sweepTicket(ticket, noticeCalendar, now);
      if (!result.sla) break;
      const at = now.toISOString();
      const after: Ticket = { ...ticket, sla: result.sla, updatedAt: at, version: ticket.version + 1 };
      const history: HistoryEntry = {
        id: this.newId(),
        recordId: ticket.id,
        at,
        actor: SWEEPER,
        action: 'sla',
        changes: result.events.map((event) => ({
          field: `sla.${event.detail.clock}`,
          from: null,
          to: event.detailType,
        })),
        events: result.events,
      };
      try {
        await this.tickets.commit([{ before: ticket, after, history }]);
        return { ticket: after, events: result.events, notify: result.notify, historyId: history.id };
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
        ticket = await this.tickets.get(ticket.id);
      }
    }
    return { ticket: ticket ?? due, events: [], notify: [], historyId: '' };
  }

  /** Mail to the group's address and an assignee known by address; failures are logged, not fatal. */
  private async notify(
    ticket: Ticket,
    group: Group | undefined,
    notices: readonly PendingNotice[],
    historyId: string,
  ): Promise<number> {
    if (notices.length === 0) return 0;
    const to = [group?.email, ticket.assignee?.includes('@') ? ticket.assignee : undefined].filter(
      (address): address is string => Boolean(address),
    );
    if (to.length === 0) return 0;
    let sent = 0;
    for (const [i, notice] of notices.entries()) {
      const clockName = notice.clock === 'firstResponse' ? 'first response' : 'resolution';
      const what = notice.kind === 'breach' ? 'breached' : 'is about to breach';
      const due = ticket.sla?.[notice.clock].dueAt;
      try {
        await this.mail.send({
          to,
          subject: `[${ticket.id}] SLA ${clockName} ${what}: ${ticket.title}`,
          text: `${ticket.id} (P${ticket.priority}, ${ticket.status}): the ${clockName} target ${what}.\nDue: ${due}\n`,
          messageId: `<sla-${historyId}-${i}@${this.options.mailDomain}>`,
          automatic: true,
          headers: { 'X-Opsdesk-Ticket': ticket.id },
        });
        sent++;
      } catch (error) {
        this.options.log?.('SLA notification failed', { ticketId: ticket.id, error: String(error) });
      }
    }
    return sent;
  }
}
