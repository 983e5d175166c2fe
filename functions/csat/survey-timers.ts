import type { Clock } from '../shared/clock/clock.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { csatHistory, surveyExpired } from './history.js';
import { CSAT_ACTOR, feedbackOf, type Survey } from './model.js';
import { isExpired } from './rules.js';
import type { CsatStore } from './store/csat-store.js';
import { holds, type SurveyMailing } from './survey-mailing.js';

/** Surveys one run handles at most; the rest wait for the next run (one a minute). */
const MAX_PER_RUN = 200;
const PAGE = 50;

export interface SurveyTimersOutcome {
  readonly mailed: number;
  readonly expired: number;
  readonly voided: number;
}

/**
 * Delayed survey mail and survey expiry (docs/csat.md#timers), jobs of the sweeper's due index: a
 * pending survey sits in it (`CSAT-DUE`) at its mail time until mailed, then at `expiresAt`; a run
 * reads only what is due, so it costs what is due. Each action is conditional on the survey still
 * pending, so overlapping runs and retries act once.
 */
export class SurveyTimers {
  constructor(
    private readonly store: CsatStore,
    private readonly tickets: Pick<TicketStore, 'get'>,
    private readonly mailing: SurveyMailing,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async run(): Promise<SurveyTimersOutcome> {
    const now = this.clock.now().toISOString();
    const counts = { mailed: 0, expired: 0, voided: 0 };
    let examined = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.store.listDue(now, { limit: PAGE, ...(startKey && { startKey }) });
      const outcomes = await Promise.all(page.items.map((survey) => this.handle(survey, now)));
      for (const outcome of outcomes) {
        if (outcome === 'sent') counts.mailed++;
        else if (outcome === 'expired') counts.expired++;
        else if (outcome === 'voided') counts.voided++;
      }
      examined += page.items.length;
      startKey = page.lastKey;
    } while (startKey && examined < MAX_PER_RUN);
    return counts;
  }

  private async handle(survey: Survey, now: string): Promise<string> {
    if (survey.status !== 'pending') return 'none';
    if (survey.sentAt === null) return this.mailing.send(survey);
    if (!isExpired(survey, now)) return 'none';
    return (await this.expire(survey, now)) ? 'expired' : 'none';
  }

  /** pending → expired, with the ticket's feedback when it still shows this survey pending. */
  private async expire(survey: Survey, now: string): Promise<boolean> {
    const ticket = await this.tickets.get(survey.ticketId);
    const after = { ...feedbackOf(survey), status: 'expired' as const };
    const onTicket = ticket && holds(ticket, survey);
    const history = csatHistory(
      survey.ticketId,
      { id: this.newId(), at: now, actor: CSAT_ACTOR },
      onTicket ? { from: feedbackOf(survey), to: after } : undefined,
      [surveyExpired(survey, survey.sentAt ?? now)],
    );
    return this.store.settle(
      survey.key,
      'expired',
      onTicket ? { ticketId: survey.ticketId, resolvedAt: survey.resolvedAt, feedback: after } : undefined,
      history,
    );
  }
}
