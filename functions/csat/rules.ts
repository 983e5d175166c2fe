import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../shared/errors.js';
import type { Ticket } from '../tickets/model.js';
import type { SurveyAttribution } from './events.js';
import { CSAT_BOUNDS, type CsatSettings, draftKey, type Survey, type SurveyAnswer } from './model.js';

/**
 * The pure rules of CSAT (SPEC §15, docs/csat.md#rules): sampling, eligibility, tokens, the
 * survey a resolution issues, and what an answer must hold.
 */

/**
 * Deterministic sampling: the SHA-256 of the ticket id, read as an unsigned big-endian integer,
 * mod 100 < sampleRate. The same ticket is always in or out at a given rate, whoever computes it.
 */
export function sampleBucket(ticketId: string): number {
  const digest = createHash('sha256').update(ticketId, 'utf8').digest('hex');
  return Number(BigInt(`0x${digest}`) % 100n);
}

export function isSampled(ticketId: string, sampleRate: number): boolean {
  return sampleBucket(ticketId) < sampleRate;
}

/** Why a ticket gets no survey; undefined: it does. */
export type Ineligibility = 'disabled' | 'type' | 'alert' | 'no_email' | 'not_sampled';

export function ineligibility(
  ticket: Pick<Ticket, 'id' | 'type' | 'source' | 'requester'>,
  settings: CsatSettings,
): Ineligibility | undefined {
  if (!settings.enabled) return 'disabled';
  if (!(settings.types as readonly string[]).includes(ticket.type)) return 'type';
  if (ticket.source === 'alert') return 'alert';
  if (!ticket.requester.email) return 'no_email';
  if (!isSampled(ticket.id, settings.sampleRate)) return 'not_sampled';
  return undefined;
}

/** Whether a ticket with this feedback may get a new survey: none yet, or the last one voided or expired. */
export function mayIssue(ticket: Pick<Ticket, 'feedback'>): boolean {
  const status = ticket.feedback?.status;
  return status === undefined || status === 'voided' || status === 'expired';
}

/** A survey token: 32 random bytes, base64url (43 characters); only its hash is ever stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token (hex SHA-256 of its text). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token as it can appear in a link: 43 base64url characters (anything else is unknown, 404). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export function attributionOf(ticket: Ticket): SurveyAttribution {
  return {
    assignee: ticket.assignee,
    group: ticket.group,
    serviceId: ticket.serviceId,
    priority: ticket.priority,
    type: ticket.type,
  };
}

/** The survey the ticket's current resolution issues (a draft until its mail goes out). */
export function surveyFor(ticket: Ticket, settings: CsatSettings, now: string): Survey {
  const resolvedAt = ticket.resolvedAt ?? now;
  const resolvedMs = Date.parse(resolvedAt);
  return {
    key: draftKey(ticket.id, resolvedAt),
    ticketId: ticket.id,
    title: ticket.title,
    question: settings.question,
    status: 'pending',
    resolvedAt,
    expiresAt: new Date(resolvedMs + settings.validDays * DAY_MS).toISOString(),
    mailDueAt: new Date(resolvedMs + settings.delayMinutes * MINUTE_MS).toISOString(),
    sentAt: null,
    attribution: attributionOf(ticket),
    requester: { id: ticket.requester.id, name: ticket.requester.name },
    rating: null,
    comment: null,
    answeredAt: null,
    issuedAt: now,
  };
}

/** When the due index should next visit a survey: its mail, else its expiry; null when it is settled. */
export function nextDueAt(survey: Survey): string | null {
  if (survey.status !== 'pending') return null;
  return survey.sentAt === null ? survey.mailDueAt : survey.expiresAt;
}

export function isExpired(survey: Pick<Survey, 'expiresAt'>, now: string): boolean {
  return survey.expiresAt <= now;
}

/**
 * An answer's domain rules beyond its shape (the edge checks types): the comment as text, at most
 * 2,000 characters, and required at or below `commentRequiredAtOrBelow`. Errors name `comment`.
 */
export function validAnswer(
  input: { rating: number; comment?: string | null | undefined },
  settings: Pick<CsatSettings, 'commentRequiredAtOrBelow'>,
): SurveyAnswer {
  const text = input.comment?.trim() ?? '';
  if (Array.from(text).length > CSAT_BOUNDS.commentChars) {
    throw new ValidationError([
      { path: 'comment', message: `must be at most ${CSAT_BOUNDS.commentChars} characters` },
    ]);
  }
  const threshold = settings.commentRequiredAtOrBelow;
  if (threshold !== null && input.rating <= threshold && text === '') {
    throw new ValidationError([
      { path: 'comment', message: `required with a rating of ${threshold} or lower` },
    ]);
  }
  return { rating: input.rating, comment: text === '' ? null : text };
}
