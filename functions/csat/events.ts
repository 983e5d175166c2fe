/**
 * The CSAT domain events (docs/csat.md#events): what the survey consumer, the survey routes and
 * the survey timer put on the bus through the ticket's history outbox. Report builders (GET
 * /reports/csat) read only these: every detail carries the ticket, the day the survey was sent
 * (`surveySentAt`: where `sent` and `responses` count) and the attribution snapshot taken at
 * resolution (a later reassignment moves nothing).
 *
 * On the bus the stream publisher adds `eventId`, `recordId` (the ticket id), `actor` and `at`
 * (docs/architecture.md#events-the-outbox); the types below are the CSAT part of `detail`.
 */
import type { TicketType } from '../tickets/model.js';

/** EventBridge `detail-type` of each CSAT event; source `opsdesk`. */
export const SURVEY_SENT = 'Survey Sent';
export const FEEDBACK_RECEIVED = 'Feedback Received';
export const SURVEY_VOIDED = 'Survey Voided';
export const SURVEY_EXPIRED = 'Survey Expired';

export const CSAT_EVENT_TYPES = [SURVEY_SENT, FEEDBACK_RECEIVED, SURVEY_VOIDED, SURVEY_EXPIRED] as const;
export type CsatEventType = (typeof CSAT_EVENT_TYPES)[number];

/** Who and what a survey is counted under, as the ticket stood when it was resolved. */
export interface SurveyAttribution {
  readonly assignee: string | null;
  readonly group: string | null;
  readonly serviceId: string | null;
  readonly priority: 1 | 2 | 3 | 4 | 5;
  readonly type: TicketType;
}

/** What every CSAT event's detail carries. */
export interface CsatEventBase {
  readonly ticketId: string;
  /** ISO 8601 UTC: when the survey mail went out; the day `sent` and `responses` count in. */
  readonly surveySentAt: string;
  readonly attribution: SurveyAttribution;
}

/** The survey mail went out (once per survey; a second mail after a lost send is not counted). */
export interface SurveySentDetail extends CsatEventBase {
  /** ISO: when the survey stops accepting answers (resolvedAt + validDays). */
  readonly expiresAt: string;
  /** ISO: the resolution the survey asks about. */
  readonly resolvedAt: string;
}

/** The one answer a ticket ever gets, by the survey link or the requester's API call. */
export interface FeedbackReceivedDetail extends CsatEventBase {
  readonly rating: 1 | 2 | 3 | 4 | 5;
  /** rating ≤ 2: the ticket's group (as it is when the notice is mailed) gets a staff notice. */
  readonly low: boolean;
  readonly comment: string | null;
  /** ISO: when the answer was recorded. */
  readonly answeredAt: string;
  /** How it came in: the survey link (`link`) or POST /tickets/{id}/feedback (`api`). */
  readonly channel: 'link' | 'api';
}

/**
 * A pending survey ended by a reopen before any answer. Only surveys that were sent produce it
 * (one never mailed was never counted as `sent`); `surveySentAt` is then that send.
 */
export interface SurveyVoidedDetail extends CsatEventBase {
  readonly voidedAt: string;
}

/** A sent survey nobody answered by `expiresAt`. */
export interface SurveyExpiredDetail extends CsatEventBase {
  readonly expiresAt: string;
}

export interface CsatEventDetails {
  readonly 'Survey Sent': SurveySentDetail;
  readonly 'Feedback Received': FeedbackReceivedDetail;
  readonly 'Survey Voided': SurveyVoidedDetail;
  readonly 'Survey Expired': SurveyExpiredDetail;
}

/** One CSAT event as a history entry carries it (the outbox). */
export type CsatEvent = {
  readonly [K in CsatEventType]: { readonly detailType: K; readonly detail: CsatEventDetails[K] };
}[CsatEventType];

/** `rating ≤ 2` is a low rating (§15). */
export const LOW_RATING_AT_OR_BELOW = 2;
