import * as z from 'zod/mini';
import { described, isoTime, withMeta } from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import { FEEDBACK_STATUSES } from '../../tickets/model.js';
import { CSAT_BOUNDS, DEFAULT_CSAT_SETTINGS, SURVEYED_TYPES } from '../model.js';

const { sampleRate, validDays, delayMinutes, rating, commentChars, questionChars } = CSAT_BOUNDS;

const ratingSchema = described(
  z.int().check(z.gte(rating.min), z.lte(rating.max)),
  'a JSON integer 1 (very dissatisfied) – 5 (very satisfied); no strings, fractions or null',
);

const settingsFields = {
  enabled: z.boolean(),
  types: described(
    z.array(z.enum(SURVEYED_TYPES)).check(z.maxLength(SURVEYED_TYPES.length)),
    'ticket types surveyed (problems never are)',
  ),
  sampleRate: described(
    z.int().check(z.gte(sampleRate.min), z.lte(sampleRate.max)),
    'percent of eligible tickets surveyed, chosen by the SHA-256 of the ticket id (deterministic)',
  ),
  delayMinutes: described(
    z.int().check(z.gte(delayMinutes.min), z.lte(delayMinutes.max)),
    '0: the survey mail goes out at resolution; else this many minutes later',
  ),
  validDays: described(
    z.int().check(z.gte(validDays.min), z.lte(validDays.max)),
    'a survey expires this many days after the resolution',
  ),
  commentRequiredAtOrBelow: described(
    z.nullable(z.int().check(z.gte(rating.min), z.lte(rating.max))),
    'a comment is required with ratings at or below this; null: never',
  ),
  question: singleLine(questionChars, 1),
};

export const csatSettingsBody = withMeta(z.strictObject(settingsFields), {
  id: 'PutCsatSettings',
  examples: [{ ...DEFAULT_CSAT_SETTINGS, sampleRate: 50, commentRequiredAtOrBelow: 2 }],
});

export const csatSettingsSchema = withMeta(
  z.object({
    enabled: z.boolean(),
    types: z.array(z.enum(SURVEYED_TYPES)),
    sampleRate: z.int(),
    delayMinutes: z.int(),
    validDays: z.int(),
    commentRequiredAtOrBelow: z.nullable(z.int()),
    question: z.string(),
    version: described(z.int().check(z.gte(0)), '0 while the defaults were never changed'),
    updatedAt: z.nullable(isoTime),
  }),
  { id: 'CsatSettings' },
);

/** An answer, as JSON; the survey form posts the same fields form-encoded (survey-http.ts). */
export const answerBody = withMeta(
  z.strictObject({
    rating: ratingSchema,
    comment: described(
      z.optional(z.nullable(z.string().check(z.maxLength(commentChars)))),
      `at most ${commentChars} characters, kept as plain text; required at or below \`commentRequiredAtOrBelow\``,
    ),
  }),
  { id: 'SurveyAnswer', examples: [{ rating: 5, comment: 'Quick and friendly, thank you.' }] },
);

export const surveySchema = withMeta(
  z.object({
    ticketId: z.string(),
    title: z.string(),
    question: z.string(),
    scale: z.object({ min: z.literal(1), max: z.literal(5) }),
    status: z.enum(FEEDBACK_STATUSES),
  }),
  { id: 'Survey' },
);

export const answerSchema = withMeta(
  z.object({
    ticketId: z.string(),
    rating: z.int(),
    comment: z.nullable(z.string()),
    answeredAt: isoTime,
  }),
  { id: 'SurveyAnswerRecorded' },
);

export const feedbackSchema = withMeta(
  z.object({ rating: z.int(), comment: z.nullable(z.string()), answeredAt: isoTime }),
  { id: 'Feedback' },
);

/** `?rating=n` on GET /surveys/{token}: only pre-selects the form's choice. */
export const surveyQuery = withMeta(
  z.strictObject({
    rating: described(
      z.optional(z.string().check(z.regex(/^[1-5]$/, { message: 'must be 1 to 5' }))),
      'pre-selects this rating in the HTML form; a GET never records an answer',
    ),
  }),
  { id: 'SurveyQuery' },
);
