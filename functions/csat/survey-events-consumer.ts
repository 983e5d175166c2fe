import type { Clock } from '../shared/clock/clock.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { csatHistory, surveyVoided } from './history.js';
import { CSAT_ACTOR, feedbackOf } from './model.js';
import { ineligibility, mayIssue, surveyFor } from './rules.js';
import type { CsatStore } from './store/csat-store.js';
import { holds, type MailStepOutcome, type SurveyMailing } from './survey-mailing.js';

/** The events the CSAT consumer takes (lib/csat.ts's rule; bin/local/csat-events.ts). */
export const CSAT_CONSUMED_EVENT_TYPES = ['Ticket Status Changed'] as const;

export interface BusEventInput {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface CsatEventsOutcome {
  readonly issued: readonly string[];
  readonly mailed: readonly string[];
  readonly voided: readonly string[];
}

/**
 * Surveys from ticket status changes (docs/csat.md#issuing): `resolved` issues one for an eligible
 * ticket with no pending or answered survey, and mails it at once when `delayMinutes` is 0 (else
 * the due index does, later); leaving `resolved` for anything but `closed` (a reopen) voids the
 * pending one. Every write is conditional, so a redelivered or out-of-order event changes nothing.
 */
export class CsatEvents {
  constructor(
    private readonly store: CsatStore,
    private readonly tickets: Pick<TicketStore, 'get'>,
    private readonly mailing: SurveyMailing,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async onEvents(events: readonly BusEventInput[]): Promise<CsatEventsOutcome> {
    const issued: string[] = [];
    const mailed: string[] = [];
    const voided: string[] = [];
    for (const event of events) {
      if (event.detailType !== 'Ticket Status Changed') continue;
      const { ticketId, from, to } = event.detail;
      if (typeof ticketId !== 'string') continue;
      if (to === 'resolved') {
        const outcome = await this.onResolved(ticketId);
        if (outcome.issued) issued.push(ticketId);
        if (outcome.mail === 'sent') mailed.push(ticketId);
      } else if (from === 'resolved' && to !== 'closed') {
        const at = typeof event.detail.at === 'string' ? event.detail.at : this.clock.now().toISOString();
        if (await this.onReopened(ticketId, at)) voided.push(ticketId);
      }
    }
    return { issued, mailed, voided };
  }

  private async onResolved(ticketId: string): Promise<{ issued: boolean; mail?: MailStepOutcome }> {
    const [ticket, settings] = await Promise.all([this.tickets.get(ticketId), this.store.settings()]);
    if (ticket?.status !== 'resolved' || !ticket.resolvedAt) return { issued: false };
    if (ineligibility(ticket, settings) !== undefined || !mayIssue(ticket)) return { issued: false };
    const now = this.clock.now().toISOString();
    const survey = surveyFor(ticket, settings, now);
    const history = csatHistory(
      ticket.id,
      { id: this.newId(), at: now, actor: CSAT_ACTOR },
      { from: ticket.feedback ?? null, to: feedbackOf(survey) },
      [],
    );
    if (!(await this.store.issue(survey, history))) return { issued: false };
    if (survey.mailDueAt > now) return { issued: true };
    // Mailed right away; should this fail, the draft is due already and the next timer run mails it.
    const issuedTicket = { ...ticket, feedback: feedbackOf(survey), version: ticket.version + 1 };
    return { issued: true, mail: await this.mailing.send(survey, issuedTicket) };
  }

  /**
   * A reopen voided the ticket's pending feedback in its own write (tickets/rules.ts); here the
   * survey follows, with `Survey Voided` when it had been sent. The ticket is read beside the
   * pointer: a survey the ticket still shows pending at its current resolution (issued after the
   * reopen, for the next resolution) is not this reopen's and stays.
   */
  private async onReopened(ticketId: string, reopenedAt: string): Promise<boolean> {
    const [pointer, ticket] = await Promise.all([this.store.pointer(ticketId), this.tickets.get(ticketId)]);
    if (!pointer || (ticket && holds(ticket, pointer))) return false;
    const now = this.clock.now().toISOString();
    // The settle is conditional on the survey still pending: a voided, expired or answered one stays.
    const history = pointer.sentAt
      ? csatHistory(ticketId, { id: this.newId(), at: now, actor: CSAT_ACTOR }, undefined, [
          surveyVoided(pointer, pointer.sentAt, reopenedAt),
        ])
      : undefined;
    return this.store.settle(pointer.surveyKey, 'voided', undefined, history);
  }
}
