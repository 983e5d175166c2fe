import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, NotFoundError, ValidationError } from '../../shared/errors.js';
import {
  MAX_BODY_BYTES,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  validate,
} from '../../shared/http/decode.js';
import { type Problem, problem } from '../../shared/http/problem.js';
import { TOKEN_PATTERN } from '../rules.js';
import type { AnswerInput, SurveyService } from '../survey-service.js';
import { errorPage, SURVEY_SECURITY_HEADERS, surveyForm, thankYouPage } from './pages.js';
import { answerBody, surveyQuery } from './schemas.js';

export const GET_SURVEY = 'GET /surveys/{token}';
export const POST_SURVEY = 'POST /surveys/{token}';
export const SURVEY_ROUTES: ReadonlySet<string> = new Set([GET_SURVEY, POST_SURVEY]);

const FORM = 'application/x-www-form-urlencoded';

/**
 * The survey link routes (docs/csat.md#the-link): outside the JWT authorizer (the token is the
 * credential) and the Idempotency-Key layer (a repeat is 409 anyway). They speak JSON, and HTML
 * to browsers (`Accept: text/html`): GET serves the form, its post is answered with a page.
 * Every client fault is a 4xx (problem+json, or a page saying the same); the headers forbid
 * scripts, framing and referrers whatever the answer.
 */
export function surveyHttp(surveys: SurveyService, logger: Logger) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const token = event.pathParameters?.token ?? '';
    // Content negotiation: a browser (the form, the mailed link) sends Accept: text/html; any other
    // client, form-encoded or not, gets JSON and problem+json.
    const html = prefersHtml(event.headers?.accept);
    try {
      if (event.routeKey === GET_SURVEY) {
        if (rawBody(event).length > 0) {
          throw new ValidationError([{ path: '', message: 'this route takes no request body' }]);
        }
        const query = validate(surveyQuery, event.queryStringParameters ?? {}, 'query');
        const view = await surveys.view(token);
        if (!html) return json(200, view);
        if (view.status === 'answered') {
          return page(
            200,
            errorPage('Already answered', `Your feedback on ${view.ticketId} is recorded. Thank you.`),
          );
        }
        return page(200, surveyForm(view, query.rating === undefined ? undefined : Number(query.rating)));
      }
      // A token that cannot be one is unknown before its body is looked at.
      if (!TOKEN_PATTERN.test(token)) throw new NotFoundError('no survey has this link');
      if (Object.keys(event.queryStringParameters ?? {}).length > 0) {
        throw new ValidationError([{ path: '', message: 'this route takes no query parameters' }]);
      }
      const answer = await surveys.answerByToken(token, answerOf(event));
      return html ? page(201, thankYouPage(answer.ticketId, answer.rating)) : json(201, answer);
    } catch (error) {
      const body =
        error instanceof DomainError
          ? problem(error.code, error.message, error.extensions)
          : internal(error, logger);
      return html ? page(body.status, errorPage(body.title, body.detail)) : problemReply(body);
    }
  };
}

function internal(error: unknown, logger: Logger): Problem {
  logger.error('survey request failed', error as Error);
  return problem('internal_error', 'the survey could not be served; try again shortly');
}

/** `Accept` naming text/html before (or without) JSON: a browser following the mailed link. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const htmlAt = types.findIndex((type) => type === 'text/html' || type === 'application/xhtml+xml');
  const jsonAt = types.findIndex(
    (type) => type === 'application/json' || type === 'application/problem+json',
  );
  return htmlAt >= 0 && (jsonAt < 0 || htmlAt < jsonAt);
}

function contentTypeOf(event: APIGatewayProxyEventV2): string {
  return (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `request bodies are limited to ${MAX_BODY_BYTES} bytes; this one has ${raw.length}`,
    );
  }
  return raw;
}

/** The answer from a JSON or form-encoded body, checked as strictly either way. */
function answerOf(event: APIGatewayProxyEventV2): AnswerInput {
  const raw = rawBody(event);
  const type = contentTypeOf(event);
  if (type === FORM) return formAnswer(raw.toString('utf8'));
  if (!/^application\/([\w.+-]+\+)?json$/.test(type)) {
    throw new UnsupportedMediaTypeError(
      `send JSON (application/json) or a form (${FORM}); got ${type || 'none'}`,
    );
  }
  if (raw.length === 0) throw new ValidationError([{ path: '', message: 'a JSON body is required' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ValidationError([{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
  return validate(answerBody, parsed, 'body');
}

/**
 * A form post: `rating` one digit 1–5 (forms send text), `comment` optional; each once, nothing
 * else (the form's button has no name).
 */
function formAnswer(text: string): AnswerInput {
  const params = new URLSearchParams(text);
  const errors: { path: string; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const [name, value] of params) {
    if (name !== 'rating' && name !== 'comment') errors.push({ path: name, message: 'is not a known field' });
    else if (seen.has(name)) errors.push({ path: name, message: 'given more than once' });
    else seen.set(name, value);
  }
  const rating = seen.get('rating');
  if (rating === undefined) errors.push({ path: 'rating', message: 'choose a rating from 1 to 5' });
  else if (!/^[1-5]$/.test(rating))
    errors.push({ path: 'rating', message: 'must be an integer from 1 to 5' });
  if (errors.length > 0) throw new ValidationError(errors);
  const comment = seen.get('comment');
  return { rating: Number(rating), comment: comment === undefined || comment === '' ? null : comment };
}

function json(status: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...SURVEY_SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

function problemReply(body: Problem): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: body.status,
    headers: { 'content-type': 'application/problem+json', ...SURVEY_SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

function page(status: number, html: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...SURVEY_SECURITY_HEADERS },
    body: html,
  };
}
