import type { Clock } from '../shared/clock/clock.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { csatHistory, surveySent } from './history.js';
import { CSAT_ACTOR, feedbackOf, type Survey } from './model.js';
import { isExpired, newToken, tokenHash } from './rules.js';
import type { CsatStore } from './store/csat-store.js';
import type { SurveyMailer } from './survey-mailer.js';

export type MailStepOutcome = 'sent' | 'voided' | 'expired' | 'gone';

/**
 * The mail step of a draft survey (docs/csat.md#mail): mint the token, mail the link, then in one
 * transaction move the draft under the token's hash with `sentAt` and write `Survey Sent`. Mail
 * first: a send that fails leaves the draft as it was, in the due index, for the next run (a new
 * token then; the failed one was never shown). A transaction that fails after a send (the ticket
 * reopened in between) leaves a link to no survey, which answers 404.
 */
export class SurveyMailing {
  constructor(
    private readonly store: CsatStore,
    private readonly tickets: Pick<TicketStore, 'get'>,
    private readonly mailer: SurveyMailer,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async send(draft: Survey, known?: Ticket): Promise<MailStepOutcome> {
    const ticket = known ?? (await this.tickets.get(draft.ticketId));
    const now = this.clock.now().toISOString();
    if (!ticket || !holds(ticket, draft)) {
      // Reopened (or gone) before its mail: a draft nobody saw ends quietly, counted nowhere.
      return (await this.store.settle(draft.key, 'voided', undefined, undefined)) ? 'voided' : 'gone';
    }
    if (isExpired(draft, now)) {
      const settled = await this.store.settle(
        draft.key,
        'expired',
        {
          ticketId: ticket.id,
          resolvedAt: draft.resolvedAt,
          feedback: { ...feedbackOf(draft), status: 'expired' },
        },
        csatHistory(
          ticket.id,
          { id: this.newId(), at: now, actor: CSAT_ACTOR },
          { from: feedbackOf(draft), to: { ...feedbackOf(draft), status: 'expired' } },
          [],
        ),
      );
      return settled ? 'expired' : 'gone';
    }
    const token = newToken();
    const sent: Survey = { ...draft, key: tokenHash(token), sentAt: now };
    await this.mailer.send({ ticket, survey: sent, token });
    const history = csatHistory(ticket.id, { id: this.newId(), at: now, actor: CSAT_ACTOR }, undefined, [
      surveySent(sent, now),
    ]);
    return (await this.store.markSent(draft, sent, history)) ? 'sent' : 'gone';
  }
}

/** The ticket still shows this survey pending: resolved or closed at its resolution. */
export function holds(ticket: Ticket, survey: Pick<Survey, 'resolvedAt'>): boolean {
  return (
    (ticket.status === 'resolved' || ticket.status === 'closed') &&
    ticket.resolvedAt === survey.resolvedAt &&
    ticket.feedback?.status === 'pending'
  );
}
