import type { FeedbackStatus, TicketFeedback, TicketType } from '../tickets/model.js';
import type { SurveyAttribution } from './events.js';

/** CSAT settings (SPEC §15, docs/csat.md#settings): one record per stack, admin-owned. */
export interface CsatSettings {
  readonly enabled: boolean;
  /** Ticket types that get surveys; problems never reach a requester, so they are not offered. */
  readonly types: readonly SurveyedType[];
  /** 1–100: the share of eligible tickets surveyed (deterministic by ticket id, rules.ts `isSampled`). */
  readonly sampleRate: number;
  /** 0: the survey mail goes out as soon as the ticket is resolved; else this many minutes later. */
  readonly delayMinutes: number;
  /** 1–90: `expiresAt = resolvedAt + validDays`. */
  readonly validDays: number;
  /** A comment is required with ratings at or below this; null: never required. */
  readonly commentRequiredAtOrBelow: number | null;
  readonly question: string;
}

export const SURVEYED_TYPES = ['incident', 'service_request'] as const satisfies readonly TicketType[];
export type SurveyedType = (typeof SURVEYED_TYPES)[number];

/** The stored settings with their optimistic-write version (0: never written, the defaults). */
export interface StoredCsatSettings extends CsatSettings {
  readonly version: number;
  readonly updatedAt: string | null;
}

export const DEFAULT_CSAT_SETTINGS: CsatSettings = {
  enabled: true,
  types: ['incident', 'service_request'],
  sampleRate: 100,
  delayMinutes: 0,
  validDays: 14,
  commentRequiredAtOrBelow: null,
  question: 'How satisfied are you with how we handled this?',
};

export const CSAT_BOUNDS = {
  sampleRate: { min: 1, max: 100 },
  validDays: { min: 1, max: 90 },
  /** A day: a survey mailed later than that is no longer about the experience just had. */
  delayMinutes: { min: 0, max: 1440 },
  rating: { min: 1, max: 5 },
  commentChars: 2000,
  questionChars: 300,
} as const;

/**
 * A survey (docs/csat.md#issuing): one per resolution of an eligible ticket. Until its mail goes
 * out it is a draft under a key derived from the ticket and the resolution (so issuing it twice
 * writes it once); the mail step mints the token and moves it under the token's SHA-256, the only
 * form in which a token is ever stored.
 */
export interface Survey {
  /** `draft:<ticketId>:<resolvedAt>` before the mail, then the token's SHA-256 (hex). */
  readonly key: string;
  readonly ticketId: string;
  /** The ticket's title and the settings' question when it was issued (what the mail showed). */
  readonly title: string;
  readonly question: string;
  readonly status: FeedbackStatus;
  /** The resolution this survey asks about; an answer needs the ticket still at it. */
  readonly resolvedAt: string;
  readonly expiresAt: string;
  /** When its mail is due (resolvedAt + delayMinutes). */
  readonly mailDueAt: string;
  /** When the mail went out (the day it counts in, `surveySentAt`); null: not yet. */
  readonly sentAt: string | null;
  readonly attribution: SurveyAttribution;
  /** The ticket's requester at issuance: whom the history names for an answer through the link. */
  readonly requester: { readonly id: string; readonly name: string | null };
  readonly rating: number | null;
  readonly comment: string | null;
  readonly answeredAt: string | null;
  readonly issuedAt: string;
}

/**
 * The ticket's pointer to its current survey, with what an answer through the API needs of it
 * (read beside the ticket, so the requester's path takes one round of reads before its write).
 */
export interface SurveyPointer {
  readonly ticketId: string;
  readonly surveyKey: string;
  readonly resolvedAt: string;
  readonly expiresAt: string;
  readonly sentAt: string | null;
  readonly attribution: SurveyAttribution;
}

export function pointerOf(survey: Survey): SurveyPointer {
  return {
    ticketId: survey.ticketId,
    surveyKey: survey.key,
    resolvedAt: survey.resolvedAt,
    expiresAt: survey.expiresAt,
    sentAt: survey.sentAt,
    attribution: survey.attribution,
  };
}

export const DRAFT_PREFIX = 'draft:';

export function draftKey(ticketId: string, resolvedAt: string): string {
  return `${DRAFT_PREFIX}${ticketId}:${resolvedAt}`;
}

export function isDraft(survey: Pick<Survey, 'key'>): boolean {
  return survey.key.startsWith(DRAFT_PREFIX);
}

/** The ticket's `feedback` as the survey stands. */
export function feedbackOf(survey: Survey): TicketFeedback {
  return {
    status: survey.status,
    rating: survey.rating,
    comment: survey.comment,
    answeredAt: survey.answeredAt,
    expiresAt: survey.expiresAt,
  };
}

/** An answer as the routes take it (validated: rules.ts `validAnswer`). */
export interface SurveyAnswer {
  readonly rating: number;
  readonly comment: string | null;
}

/** What GET /surveys/{token} answers. */
export interface SurveyView {
  readonly ticketId: string;
  readonly title: string;
  readonly question: string;
  readonly scale: { readonly min: 1; readonly max: 5 };
  readonly status: FeedbackStatus;
}

/** What an answer answers (201). */
export interface AnswerView {
  readonly ticketId: string;
  readonly rating: number;
  readonly comment: string | null;
  readonly answeredAt: string;
}

/** Who the CSAT timers and consumer write as. */
export const CSAT_ACTOR = { id: 'opsdesk-csat', name: 'Customer satisfaction' } as const;
