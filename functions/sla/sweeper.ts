import type { GroupStore } from '../groups/store/group-store.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { StaleWriteError } from '../shared/store.js';
import { isDueForAutoClose, withAutoClose } from '../tickets/auto-close.js';
import type { HistoryEntry, Ticket } from '../tickets/model.js';
import { applyUpdate, updateHistory } from '../tickets/rules.js';
import { withSla } from '../tickets/service.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { ALWAYS_ON_CALENDAR_ID, BUSINESS_HOURS_CALENDAR_ID, type Calendar } from './calendar.js';
import type { SlaConfig } from './clocks.js';
import type { PendingNotice } from './model.js';
import { type NoticeRouting, slaNoticeRecipients } from './notices.js';
import type { SlaConfigStore } from './store/sla-config-store.js';
import { slaNoticeEvent, sweepTicket } from './sweep.js';

/** Tickets one sweep examines at most; the rest wait for the next run (one a minute). */
const MAX_PER_SWEEP = 1_000;
const PAGE = 100;

export interface SweepSummary {
  readonly examined: number;
  readonly warned: number;
  readonly breached: number;
  /** Notices owed now that reach someone, recorded as `SLA Notice Due` events (the email notifier mails them). */
  readonly notified: number;
  /**
   * Notices owed now that nobody receives: neither assignee nor group has an address and the stack
   * has no fallback address, or the stack mails nothing at all. Recorded as events all the same,
   * and listed in `unnotifiedNotices` (and the sweeper function's log) rather than dropped silently.
   */
  readonly unnotified: number;
  readonly unnotifiedNotices: readonly UnnotifiedNotice[];
  /** Resolved tickets closed automatically (docs/sla.md#the-sweeper). */
  readonly closed: number;
}

export interface UnnotifiedNotice {
  readonly ticketId: string;
  readonly notice: PendingNotice['kind'];
  readonly clock: PendingNotice['clock'];
}

/** What a stack that mails notices and has no fallback address does: the unit tests' default. */
const MAIL_WITHOUT_FALLBACK: NoticeRouting = { mail: true, fallbackAddress: null };

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
 * repeated sweeps cannot record twice), and writes history and events in the same transaction.
 * Notices owed now are events of that transaction too (`SLA Notice Due`): the email notifier mails
 * them to the group and assignee (else the fallback address) with its one-mail-per-event ledger, so
 * a failed send is retried, never lost. The sweeper itself sends no mail, but counts by the same
 * rule (notices.ts) the notices nobody would receive, and reports them.
 */
export class SlaSweeper {
  constructor(
    private readonly tickets: TicketStore,
    private readonly config: SlaConfigStore,
    private readonly groups: GroupStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
    /** Whether notices are mailed and where those go that no assignee or group address receives. */
    private readonly routing: NoticeRouting = MAIL_WITHOUT_FALLBACK,
  ) {}

  async sweep(): Promise<SweepSummary> {
    const now = this.clock.now();
    const config = await this.config.load();
    let examined = 0;
    let warned = 0;
    let breached = 0;
    let notified = 0;
    const unnotified: UnnotifiedNotice[] = [];
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
        if (outcome.notices.length === 0) continue;
        if (this.reachesSomeone(outcome.ticket, group?.email)) notified += outcome.notices.length;
        else
          unnotified.push(
            ...outcome.notices.map((notice) => ({
              ticketId: due.id,
              notice: notice.kind,
              clock: notice.clock,
            })),
          );
      }
      startKey = page.lastKey;
    } while (startKey && examined < MAX_PER_SWEEP);
    return {
      examined,
      warned,
      breached,
      notified,
      unnotified: unnotified.length,
      unnotifiedNotices: unnotified,
      closed,
    };
  }

  /** Whether the notifier will find an address for this ticket's notices (the rule it mails by). */
  private reachesSomeone(ticket: Ticket, groupEmail: string | null | undefined): boolean {
    const { mail, fallbackAddress } = this.routing;
    return mail && slaNoticeRecipients(ticket, groupEmail, fallbackAddress).length > 0;
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
  ): Promise<{ events: HistoryEntry['events']; notices: PendingNotice[]; ticket: Ticket }> {
    let ticket: Ticket | undefined = due;
    for (let attempt = 0; attempt < 5 && ticket; attempt++) {
      const result = sweepTicket(ticket, noticeCalendar, now);
      const sla = result.sla;
      if (!sla) break;
      const at = now.toISOString();
      const ticketId = ticket.id;
      const after: Ticket = { ...ticket, sla, updatedAt: at, version: ticket.version + 1 };
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
        events: [...result.events, ...result.notify.map((notice) => slaNoticeEvent(ticketId, notice, sla))],
      };
      try {
        await this.tickets.commit([{ before: ticket, after, history }]);
        return { events: result.events, notices: result.notify, ticket: after };
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
        ticket = await this.tickets.get(ticket.id);
      }
    }
    return { events: [], notices: [], ticket: ticket ?? due };
  }
}
