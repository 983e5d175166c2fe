import { actorOf, type Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, GoneError, NotFoundError } from '../shared/errors.js';
import { isRequesterOf, readTicket, visibleTo } from '../tickets/access.js';
import type { TicketFeedback } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { csatHistory, feedbackReceived, surveySent } from './history.js';
import type { AnswerView, SurveyAnswer, SurveyPointer, SurveyView } from './model.js';
import { ineligibility, isExpired, TOKEN_PATTERN, tokenHash, validAnswer } from './rules.js';
import type { AnswerWrite, CsatStore } from './store/csat-store.js';
import { holds } from './survey-mailing.js';

/** How many times an answer re-reads after a transaction lost to a concurrent one (not to an answer). */
const MAX_ANSWER_ROUNDS = 5;

/** An answer as the edge validated its shape (rating a 1–5 integer; comment text or absent). */
export interface AnswerInput {
  readonly rating: number;
  readonly comment?: string | null | undefined;
}

/**
 * Surveys as requesters use them (docs/csat.md#one-answer-one-transaction): by the mailed link (the token is the
 * credential) or on their ticket through the API (their JWT). A GET never records; one answer per
 * ticket, ever, written in one conditional transaction (survey still pending, ticket still at the
 * survey's resolution, resolved or closed), so of concurrent answers exactly one lands.
 */
export class SurveyService {
  constructor(
    private readonly store: CsatStore,
    private readonly tickets: Pick<TicketStore, 'get'>,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  /** GET /surveys/{token}: 404 unknown, 410 expired or voided; an answered one shows as answered. */
  async view(token: string): Promise<SurveyView> {
    const survey = await this.surveyOf(token);
    let status =
      survey.status === 'pending' && isExpired(survey, this.clock.now().toISOString())
        ? 'expired'
        : survey.status;
    if (status === 'pending') {
      // A reopen voids the ticket's feedback at once, the survey item a moment later (the
      // consumer): the ticket says whether this survey is still the one to answer.
      const ticket = await this.tickets.get(survey.ticketId);
      if (!ticket || !holds(ticket, survey)) {
        status = ticket?.feedback?.status === 'expired' ? 'expired' : 'voided';
      }
    }
    assertNotGone(status);
    return {
      ticketId: survey.ticketId,
      title: survey.title,
      question: survey.question,
      scale: { min: 1, max: 5 },
      status,
    };
  }

  /** POST /surveys/{token}. */
  async answerByToken(token: string, input: AnswerInput): Promise<AnswerView> {
    const [survey, settings] = await Promise.all([this.surveyOf(token), this.store.settings()]);
    const answer = validAnswer(input, settings);
    const pointer: SurveyPointer = {
      ticketId: survey.ticketId,
      surveyKey: survey.key,
      resolvedAt: survey.resolvedAt,
      expiresAt: survey.expiresAt,
      sentAt: survey.sentAt,
      attribution: survey.attribution,
    };
    assertAnswerable(survey.status, pointer, this.clock.now().toISOString());
    // The link is the requester's: the history names them, as the ticket does.
    return this.record(pointer, answer, survey.requester, 'link');
  }

  /**
   * POST /tickets/{id}/feedback: the ticket's requester only (anyone else, agents too: 404). The
   * ticket and its survey pointer are read together: one round of reads, then the transaction.
   */
  async answerAsRequester(caller: Caller, ticketId: string, input: AnswerInput): Promise<AnswerView> {
    const [found, pointer, settings] = await Promise.all([
      readTicket(this.tickets, ticketId),
      this.store.pointer(ticketId),
      this.store.settings(),
    ]);
    if (!found || !isRequesterOf(found, caller)) throw new NotFoundError(`ticket ${ticketId} does not exist`);
    const ticket = found;
    const answer = validAnswer(input, settings);
    if (ticket.feedback?.status === 'answered') throw alreadyAnswered(ticket.id);
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw new ConflictError(`${ticket.id} is ${ticket.status}: feedback is given on resolved tickets`, {
        code: 'not_resolved',
      });
    }
    const current = pointer && pointer.resolvedAt === ticket.resolvedAt ? pointer : undefined;
    if (!current || !ticket.feedback) {
      const reason = ineligibility(ticket, settings);
      throw new ConflictError(
        reason
          ? `${ticket.id} gets no survey (${reason.replace('_', ' ')})`
          : `${ticket.id} has no survey issued yet; retry in a few seconds`,
        { code: 'feedback_not_available' },
      );
    }
    assertAnswerable(ticket.feedback.status, current, this.clock.now().toISOString());
    return this.record(current, answer, actorOf(caller), 'api');
  }

  /** GET /tickets/{id}/feedback: agents, approvers and admins; the requester on their own ticket. */
  async feedback(
    caller: Caller,
    ticketId: string,
  ): Promise<{ rating: number; comment: string | null; answeredAt: string }> {
    const ticket = visibleTo(await readTicket(this.tickets, ticketId), caller, ticketId);
    const feedback = ticket.feedback;
    if (feedback?.status !== 'answered' || feedback.rating === null || feedback.answeredAt === null) {
      throw new NotFoundError(`${ticket.id} has no answered feedback`);
    }
    return { rating: feedback.rating, comment: feedback.comment, answeredAt: feedback.answeredAt };
  }

  private async surveyOf(token: string) {
    const survey = TOKEN_PATTERN.test(token) ? await this.store.survey(tokenHash(token)) : undefined;
    if (!survey) throw new NotFoundError('no survey has this link');
    return survey;
  }

  /**
   * The one transaction, from what the first round of reads gave (no further read before it);
   * after a lost race, the survey and the ticket are read again to say why.
   */
  private async record(
    survey: SurveyPointer,
    answer: SurveyAnswer,
    actor: { id: string; name: string | null },
    channel: 'link' | 'api',
  ): Promise<AnswerView> {
    for (let round = 1; ; round++) {
      const answeredAt = this.clock.now().toISOString();
      const sentAt = survey.sentAt ?? answeredAt;
      const before: TicketFeedback = {
        status: 'pending',
        rating: null,
        comment: null,
        answeredAt: null,
        expiresAt: survey.expiresAt,
      };
      const feedback: TicketFeedback = { ...before, status: 'answered', ...answer, answeredAt };
      const write: AnswerWrite = {
        surveyKey: survey.surveyKey,
        ticketId: survey.ticketId,
        resolvedAt: survey.resolvedAt,
        rating: answer.rating,
        comment: answer.comment,
        answeredAt,
        sentAt,
        feedback,
      };
      const history = csatHistory(
        survey.ticketId,
        { id: this.newId(), at: answeredAt, actor },
        { from: before, to: feedback },
        [
          // Answered before its mail went out (through the API): it counts as sent now.
          ...(survey.sentAt ? [] : [surveySent(survey, sentAt)]),
          feedbackReceived(survey, sentAt, { ...answer, answeredAt }, channel),
        ],
      );
      const outcome = await this.store.answer(write, history);
      if (outcome === 'answered') return { ticketId: survey.ticketId, ...answer, answeredAt };
      await this.explainLostAnswer(survey, round);
    }
  }

  /** Throws what the answer's lost transaction means, or returns to try again (a conflict only). */
  private async explainLostAnswer(survey: SurveyPointer, round: number): Promise<void> {
    const [stored, ticket] = await Promise.all([
      this.store.survey(survey.surveyKey),
      this.tickets.get(survey.ticketId),
    ]);
    const now = this.clock.now().toISOString();
    if (!stored) throw new NotFoundError('no survey has this link');
    if (stored.status === 'answered' || ticket?.feedback?.status === 'answered')
      throw alreadyAnswered(survey.ticketId);
    if (stored.status === 'voided' || !ticket || ticket.resolvedAt !== stored.resolvedAt) {
      throw new GoneError(
        `the survey of ${survey.ticketId} was voided: the ticket was reopened`,
        'survey_voided',
      );
    }
    if (stored.status === 'expired' || isExpired(stored, now) || ticket.feedback?.status === 'expired') {
      throw new GoneError(
        `the survey of ${survey.ticketId} expired at ${stored.expiresAt}`,
        'survey_expired',
      );
    }
    if (round >= MAX_ANSWER_ROUNDS) throw alreadyAnswered(survey.ticketId);
  }
}

function alreadyAnswered(ticketId: string): ConflictError {
  return new ConflictError(`${ticketId} has its answer already; an answer is final`, {
    code: 'already_answered',
  });
}

function assertNotGone(status: string): void {
  if (status === 'voided')
    throw new GoneError('this survey was voided: the ticket was reopened', 'survey_voided');
  if (status === 'expired') throw new GoneError('this survey has expired', 'survey_expired');
}

function assertAnswerable(
  status: string,
  survey: Pick<SurveyPointer, 'expiresAt' | 'ticketId'>,
  now: string,
): void {
  if (status === 'answered') throw alreadyAnswered(survey.ticketId);
  assertNotGone(status === 'pending' && isExpired(survey, now) ? 'expired' : status);
}
