import type { Page, PageRequest } from '../../shared/store.js';
import type { HistoryEntry, TicketFeedback } from '../../tickets/model.js';
import type { CsatSettings, StoredCsatSettings, Survey, SurveyPointer } from '../model.js';

/** Why an answer's transaction did not land: the survey or the ticket is no longer as read. */
export type AnswerOutcome = 'answered' | 'survey_changed' | 'ticket_changed';

/**
 * The ticket side of a survey write: its `feedback` as it becomes, conditional on the ticket
 * still at the survey's resolution (`resolvedAt`) and, for answers and expiry, its feedback still
 * pending. The ticket's version moves on, so a concurrent ticket write re-reads it and keeps it.
 */
export interface FeedbackWrite {
  readonly ticketId: string;
  readonly resolvedAt: string;
  readonly feedback: TicketFeedback;
}

/** An answer as it is written: on the survey, and on the ticket as its `feedback`. */
export interface AnswerWrite extends FeedbackWrite {
  readonly surveyKey: string;
  readonly rating: number;
  readonly comment: string | null;
  readonly answeredAt: string;
  /** The survey's `sentAt`: as it was, or the answer's time when it is answered before its mail. */
  readonly sentAt: string;
}

/**
 * CSAT records in the single table (store/csat-keys.ts). Every write that changes a survey and
 * its ticket is one transaction with the ticket's history entry (the outbox of the CSAT events).
 */
export interface CsatStore {
  /** The settings, or the defaults (version 0) when never written. */
  settings(): Promise<StoredCsatSettings>;
  /** Replaces the settings at `expectedVersion` (0: create); StaleWriteError otherwise. */
  putSettings(settings: CsatSettings, expectedVersion: number, now: string): Promise<StoredCsatSettings>;
  /** A survey by key (a token's hash, or a draft key); strongly consistent. */
  survey(key: string): Promise<Survey | undefined>;
  /** The ticket's current survey pointer. */
  pointer(ticketId: string): Promise<SurveyPointer | undefined>;
  /**
   * Issues a draft survey: the survey (once per key), the pointer, the ticket's `feedback`
   * (condition: status `resolved` at `survey.resolvedAt`, and no pending or answered survey) and
   * the history entry. False when a condition failed (issued already, reopened, answered).
   */
  issue(survey: Survey, history: HistoryEntry): Promise<boolean>;
  /**
   * The survey's mail went out: the draft `from` moves to `to` (keyed by the new token's hash,
   * `sentAt` set), the pointer follows, the history carries `Survey Sent`. Condition: the draft is
   * still pending and unsent. False when it failed.
   */
  markSent(from: Survey, to: Survey, history: HistoryEntry): Promise<boolean>;
  /**
   * The answer, one transaction: the survey still pending and unexpired at `answeredAt` →
   * answered; the ticket `resolved` or `closed` at the survey's resolution with its feedback
   * pending → answered; the history entry. Which condition failed, when one did.
   */
  answer(write: AnswerWrite, history: HistoryEntry): Promise<AnswerOutcome>;
  /**
   * Ends a pending survey (voided or expired) and, when given, the ticket's pending feedback with
   * it (condition as for answers); the history entry when given. False when a condition failed.
   */
  settle(
    surveyKey: string,
    status: 'voided' | 'expired',
    ticket: FeedbackWrite | undefined,
    history: HistoryEntry | undefined,
  ): Promise<boolean>;
  /** Pending surveys whose mail or expiry is due at or before `until`, earliest first (the due index). */
  listDue(until: string, page: PageRequest): Promise<Page<Survey>>;
  /** Surveys mailed in [from, to) (ISO instants), latest first (`byKind`): the report rebuild's pages. */
  listSentBetween(from: string, to: string, page: PageRequest): Promise<Page<Survey>>;
}
