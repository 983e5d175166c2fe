import type { FieldChange, HistoryEntry, TicketFeedback } from '../tickets/model.js';
import {
  type CsatEvent,
  FEEDBACK_RECEIVED,
  LOW_RATING_AT_OR_BELOW,
  SURVEY_EXPIRED,
  SURVEY_SENT,
  SURVEY_VOIDED,
  type SurveyAttribution,
} from './events.js';

/**
 * The ticket history entries CSAT writes (each carries its events: the outbox), and the events'
 * details as events.ts promises them to consumers (docs/csat.md#events).
 */
export interface HistoryStamp {
  readonly id: string;
  readonly at: string;
  readonly actor: { readonly id: string; readonly name: string | null };
}

/** What every CSAT event of a survey repeats. */
export interface SurveyFacts {
  readonly ticketId: string;
  readonly attribution: SurveyAttribution;
  readonly resolvedAt: string;
  readonly expiresAt: string;
}

export function csatHistory(
  ticketId: string,
  stamp: HistoryStamp,
  feedback: { from: TicketFeedback | null; to: TicketFeedback } | undefined,
  events: readonly CsatEvent[],
): HistoryEntry {
  const changes: FieldChange[] = feedback
    ? [{ field: 'feedback', from: feedback.from, to: feedback.to }]
    : [];
  return {
    id: stamp.id,
    recordId: ticketId,
    at: stamp.at,
    actor: stamp.actor,
    action: 'updated',
    changes,
    events: events.map((event) => ({ detailType: event.detailType, detail: { ...event.detail } })),
  };
}

export function surveySent(survey: SurveyFacts, sentAt: string): CsatEvent {
  return {
    detailType: SURVEY_SENT,
    detail: {
      ticketId: survey.ticketId,
      surveySentAt: sentAt,
      attribution: survey.attribution,
      expiresAt: survey.expiresAt,
      resolvedAt: survey.resolvedAt,
    },
  };
}

export function feedbackReceived(
  survey: SurveyFacts,
  sentAt: string,
  answer: { rating: number; comment: string | null; answeredAt: string },
  channel: 'link' | 'api',
): CsatEvent {
  return {
    detailType: FEEDBACK_RECEIVED,
    detail: {
      ticketId: survey.ticketId,
      surveySentAt: sentAt,
      attribution: survey.attribution,
      rating: answer.rating as 1 | 2 | 3 | 4 | 5,
      low: answer.rating <= LOW_RATING_AT_OR_BELOW,
      comment: answer.comment,
      answeredAt: answer.answeredAt,
      channel,
    },
  };
}

export function surveyVoided(survey: SurveyFacts, sentAt: string, voidedAt: string): CsatEvent {
  return {
    detailType: SURVEY_VOIDED,
    detail: { ticketId: survey.ticketId, surveySentAt: sentAt, attribution: survey.attribution, voidedAt },
  };
}

export function surveyExpired(survey: SurveyFacts, sentAt: string): CsatEvent {
  return {
    detailType: SURVEY_EXPIRED,
    detail: {
      ticketId: survey.ticketId,
      surveySentAt: sentAt,
      attribution: survey.attribution,
      expiresAt: survey.expiresAt,
    },
  };
}
