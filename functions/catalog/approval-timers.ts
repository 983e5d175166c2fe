import type { Clock } from '../shared/clock/clock.js';
import { StaleWriteError } from '../shared/store.js';
import type { SlaConfigStore } from '../sla/store/sla-config-store.js';
import type { HistoryEntry, Ticket } from '../tickets/model.js';
import { diff } from '../tickets/rules.js';
import { withSla } from '../tickets/service.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { awaitingApproval, expireApproval, nextApprovalDue, pendingGroups } from './approvals.js';
import type { ApprovalDue, CatalogStore } from './store/catalog-store.js';

/** Requests one run handles at most; the rest wait for the next run (one a minute). */
const MAX_PER_RUN = 200;
const PAGE = 50;
const TIMER_ACTOR = { id: 'opsdesk-catalog', name: 'Catalog approval timer' } as const;

/**
 * Request approval escalation and expiry (docs/catalog.md#approval-timers), a job of the sweeper's
 * due index: it reads only the timers that are due (`REQ-APPROVAL-DUE`), so a run costs what is
 * due. Each action is one transaction on the REQ, carrying the timer's next due time (or its end);
 * a REQ decided or cancelled meanwhile just drops its timer.
 */
export class ApprovalTimers {
  constructor(
    private readonly tickets: TicketStore,
    private readonly catalog: CatalogStore,
    private readonly slaConfig: SlaConfigStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async run(): Promise<{ escalated: number; expired: number }> {
    const now = this.clock.now().toISOString();
    let escalated = 0;
    let expired = 0;
    let examined = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.catalog.listApprovalDue(now, { limit: PAGE, ...(startKey && { startKey }) });
      const outcomes = await Promise.all(page.items.map((due) => this.handle(due, now)));
      escalated += outcomes.filter((outcome) => outcome === 'escalated').length;
      expired += outcomes.filter((outcome) => outcome === 'expired').length;
      examined += page.items.length;
      startKey = page.lastKey;
    } while (startKey && examined < MAX_PER_RUN);
    return { escalated, expired };
  }

  private async handle(due: ApprovalDue, now: string): Promise<'escalated' | 'expired' | 'none'> {
    const [ticket, config] = await Promise.all([this.tickets.get(due.ticketId), this.slaConfig.load()]);
    const next = ticket ? nextApprovalDue(ticket) : null;
    if (!ticket || !awaitingApproval(ticket) || !ticket.approvalTerms || next === null) {
      await this.catalog.setApprovalDue(due.ticketId, null);
      return 'none';
    }
    if (next > now) {
      // Not yet (a timer out of step with the REQ): put it where the REQ says.
      await this.catalog.setApprovalDue(ticket.id, next);
      return 'none';
    }
    const stamp = { now, eventId: this.newId() };
    const terms = ticket.approvalTerms;
    let changed: Ticket;
    let events: HistoryEntry['events'][number][];
    let outcome: 'escalated' | 'expired';
    if (now >= terms.expireAt) {
      ({ ticket: changed, events } = expireApproval(ticket));
      outcome = 'expired';
    } else {
      changed = { ...ticket, approvalTerms: { ...terms, escalatedAt: now } };
      events = pendingGroups(ticket).map((group) => ({
        detailType: 'Request Approval Escalated',
        detail: {
          ticketId: ticket.id,
          title: ticket.title,
          group,
          requestedAt: ticket.createdAt,
          expireAt: terms.expireAt,
        },
      }));
      outcome = 'escalated';
    }
    const { ticket: after, events: slaEvents } = withSla(
      ticket,
      { ...changed, updatedAt: now, version: ticket.version + 1 },
      config,
      stamp,
    );
    const changes = diff(ticket, after);
    const history: HistoryEntry = {
      id: stamp.eventId,
      recordId: ticket.id,
      at: now,
      actor: TIMER_ACTOR,
      action: 'updated',
      changes,
      events: [
        { detailType: 'Ticket Updated', detail: { ticketId: ticket.id, changes } },
        ...events,
        ...slaEvents,
      ],
    };
    const dueNext = nextApprovalDue(after);
    const companion = this.catalog.approvalDueCompanion(ticket.id, dueNext);
    try {
      await this.tickets.commit([{ before: ticket, after, history }], companion);
    } catch (error) {
      // Decided or changed meanwhile: the next run looks again.
      if (error instanceof StaleWriteError) return 'none';
      throw error;
    }
    if (!companion?.wasCarried()) await this.catalog.setApprovalDue(ticket.id, dueNext);
    return outcome;
  }
}
