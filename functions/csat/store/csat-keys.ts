import { dueIndexKeys } from '../../shared/dynamodb/due-index.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { Survey } from '../model.js';
import { nextDueAt } from '../rules.js';

/**
 * CSAT in the single table (docs/csat.md#storage):
 *   CSAT#SETTINGS        SETTINGS        the settings (versioned)
 *   SURVEY#<key>         SURVEY          a survey: `<key>` is its token's SHA-256, or a draft key
 *                                        before its mail; in the due index while pending; once
 *                                        mailed in `byKind` `SURVEY` by `<sentAt>#<key>` (the
 *                                        report rebuild's replay)
 *   TICKET#<id>          CSAT#SURVEY     the ticket's pointer to its current survey
 *   TICKET#<id>          HISTORY#…       history entries carrying the CSAT events (the outbox)
 */
export const settingsKey = () => ({ PK: 'CSAT#SETTINGS', SK: 'SETTINGS' });
export const surveyKey = (key: string) => ({ PK: `SURVEY#${key}`, SK: 'SURVEY' });
export const pointerKey = (ticketId: string) => ({ PK: `TICKET#${ticketId}`, SK: 'CSAT#SURVEY' });
export const ticketPk = (ticketId: string) => `TICKET#${ticketId}`;

/** Partition value of `byKind` for mailed surveys. */
export const SURVEY_KIND = 'SURVEY';

/** Partition value of the due index (bySlaDeadline) for survey mail and expiry. */
export const SURVEY_DUE_PARTITION = 'CSAT-DUE';

/** The survey item: in the due index only while it is pending (sparse), at its next due time. */
export function surveyItem(survey: Survey): Record<string, unknown> {
  const due = nextDueAt(survey);
  return {
    ...surveyKey(survey.key),
    ...survey,
    ...(due ? dueIndexKeys(SURVEY_DUE_PARTITION, due, survey.key) : {}),
    ...(survey.sentAt
      ? { [INDEXES.byKind.partitionKey]: SURVEY_KIND, [LIST_SORT_KEY]: `${survey.sentAt}#${survey.key}` }
      : {}),
  };
}

const SURVEY_FIELDS = [
  'key',
  'ticketId',
  'title',
  'question',
  'status',
  'resolvedAt',
  'expiresAt',
  'mailDueAt',
  'sentAt',
  'attribution',
  'requester',
  'rating',
  'comment',
  'answeredAt',
  'issuedAt',
] as const;

export function surveyOf(item: Record<string, unknown>): Survey {
  return Object.fromEntries(SURVEY_FIELDS.map((field) => [field, item[field] ?? null])) as unknown as Survey;
}
