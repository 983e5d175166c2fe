import type { RouteContract } from '../../shared/http/route-contract.js';
import {
  answerBody,
  answerSchema,
  csatSettingsBody,
  csatSettingsSchema,
  feedbackSchema,
  surveyQuery,
  surveySchema,
} from './schemas.js';

const SURVEY_LINK =
  'No JWT: the token in the path is the credential (32 random bytes, mailed to the requester; stored only as its SHA-256). Throttled to 5 requests/s.';

/** Customer satisfaction (the csat function; docs/csat.md). */
export const CSAT_CONTRACT = {
  'GET /settings/csat': {
    summary: 'Read the CSAT settings (the defaults until an admin changes them)',
    description: 'Admins only; other roles get 403. `version` 0: never changed.',
    success: { status: 200, schema: csatSettingsSchema, headers: ['ETag'] },
  },
  'PUT /settings/csat': {
    summary: 'Replace the CSAT settings',
    description:
      'Admins only. Every field is required (GET, change, PUT back). `sampleRate` 1–100, `validDays` 1–90, `delayMinutes` 0–1440. Takes effect for resolutions after it, in every container within 30 s.',
    body: csatSettingsBody,
    success: { status: 200, schema: csatSettingsSchema, headers: ['ETag'] },
    errors: [412],
  },
  'GET /surveys/{token}': {
    summary: 'Read a survey by its link (never records anything)',
    description: `${SURVEY_LINK} JSON by default; with \`Accept: text/html\` a minimal form that POSTs back (\`?rating=n\` only pre-selects). Mail scanners prefetch links: a GET never records an answer. Unknown token → 404; expired or voided → 410 (\`survey_expired\`, \`survey_voided\`); an answered survey reads as \`answered\`.`,
    query: surveyQuery,
    security: [],
    html: true,
    success: { status: 200, schema: surveySchema },
    errors: [404, 410],
  },
  'POST /surveys/{token}': {
    summary: 'Answer a survey by its link: one answer per ticket, ever',
    description: `${SURVEY_LINK} JSON or \`application/x-www-form-urlencoded\` (the form; with \`Accept: text/html\` it is answered with an HTML thank-you page). 201 with the answer; answered already → 409 \`already_answered\`; expired or voided → 410. \`rating\` a JSON integer 1–5 (400 at \`rating\` otherwise); \`comment\` ≤ 2,000 characters, required at or below \`commentRequiredAtOrBelow\` (400 at \`comment\`). No Idempotency-Key: a repeat is 409.`,
    body: answerBody,
    security: [],
    form: true,
    html: true,
    success: { status: 201, schema: answerSchema },
    errors: [404, 409, 410],
  },
  'POST /tickets/{id}/feedback': {
    summary: "Rate a resolved ticket as its requester (the survey's API path)",
    description:
      "The ticket's requester only: anyone else (agents too) gets 404. Not resolved or closed → 409 `not_resolved`; no survey for it (CSAT off, type not surveyed, alert ticket, not sampled, or not issued yet) → 409 `feedback_not_available`; answered → 409 `already_answered`; expired → 410 `survey_expired`.",
    body: answerBody,
    success: { status: 201, schema: answerSchema },
    errors: [404, 409, 410],
  },
  'GET /tickets/{id}/feedback': {
    summary: "A ticket's satisfaction answer",
    description:
      'Agents, approvers and admins; the requester on their own ticket (others 404). 404 until it is answered.',
    success: { status: 200, schema: feedbackSchema },
    errors: [404],
  },
} satisfies Record<string, RouteContract>;
