import { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpSecurityHeaders from '@middy/http-security-headers';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { Caller } from '../authz.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { PipelineDeps } from '../wiring/deps.js';
import { callerFromEvent } from './caller.js';
import { reportToCsv, wantsCsv } from './csv.js';
import { openCursor, sealCursor } from './cursor.js';
import { parseJsonBody, validate } from './decode.js';
import { problemErrors } from './middleware/problem-errors.js';
import type { Operation, OperationInput } from './operation.js';
import { ROUTES, routeKey } from './routes.js';

export type HttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

class UnauthorizedError extends DomainError {
  readonly status = 401;
  constructor(detail: string) {
    super('unauthorized', detail);
  }
}

/** Route keys that take no token (docs/api.md#authentication-and-roles; the route table is the one place that says so). */
const PUBLIC_ROUTES = new Set(ROUTES.filter((route) => !route.authenticated).map(routeKey));

/** An anonymous caller for public routes; holds no role, so no rule grants it anything. */
const ANONYMOUS: Caller = { id: '', email: null, name: null, roles: new Set() };

/**
 * One bounded context's Lambda: a router over its operations (keyed by API Gateway route key)
 * wrapped in middy. Middleware order matters: idempotency (when given; see table-api.ts) outermost,
 * so a replay carries the same headers as the first response; the problem handler innermost on
 * errors, so CORS and security headers decorate problems too.
 */
export function httpApi(
  operations: Record<string, Operation>,
  deps: PipelineDeps,
  idempotency?: MiddlewareObj,
): HttpHandler {
  const logger = new Logger({ serviceName: 'opsdesk' });

  const route = async (
    event: APIGatewayProxyEventV2WithJWTAuthorizer,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const operation = operations[event.routeKey];
    if (!operation) throw new NotFoundError(`no route for ${event.routeKey}`);
    const caller = PUBLIC_ROUTES.has(event.routeKey)
      ? ANONYMOUS
      : authenticatedCaller(event, deps.groupsClaim, deps.emailVerifyingIssuers);
    operation.authorize?.(caller);
    await sight(caller, deps, logger);
    checkPathIds(event.pathParameters);
    const query = operation.query
      ? validate(operation.query, event.queryStringParameters ?? {}, 'query')
      : undefined;
    const rawBody = parseJsonBody(event);
    const body = operation.body ? validate(operation.body, rawBody, 'body') : undefined;
    if (!operation.body && rawBody !== undefined) {
      throw new NoBodyExpectedError('this route takes no request body');
    }
    const params = event.pathParameters ?? {};
    // The people a caller is are part of whom a list was for: a cursor never outlives a change in them.
    const scope = {
      route: event.routeKey,
      caller: caller.id,
      ...(caller.personIds?.length ? { people: caller.personIds } : {}),
      params,
      query: withoutCursor(query),
    };
    const input: OperationInput<unknown, unknown> = {
      caller,
      body,
      query,
      params: params as Record<string, string>,
      headers: event.headers ?? {},
      page: async ({ limit, cursor }) =>
        cursor ? { limit, startKey: openCursor(cursor, scope, await deps.cursorKey()) } : { limit },
      pageBody: async (page) => ({
        items: page.items,
        nextCursor: page.lastKey ? sealCursor(page.lastKey, scope, await deps.cursorKey()) : null,
      }),
    };
    const reply = await operation.handle(input);
    // Reports answer CSV on request (docs/reports.md#csv); errors stay problem+json.
    if (isReportRead(event.routeKey) && reply.status === 200 && wantsCsv(event.headers?.accept)) {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', vary: 'Accept' },
        body: reportToCsv(reply.body),
      };
    }
    return {
      statusCode: reply.status,
      headers: {
        ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
        'cache-control': 'no-store',
        ...reply.headers,
      },
      ...(reply.body === undefined ? {} : { body: JSON.stringify(reply.body) }),
    };
  };

  const handler = middy(route);
  if (idempotency) handler.use(idempotency);
  handler.use(httpSecurityHeaders()).use(problemErrors(logger));
  if (deps.corsOrigins.length > 0) {
    handler.use(
      httpCors({ origins: [...deps.corsOrigins], exposeHeaders: 'ETag, Location, Idempotent-Replayed' }),
    );
  }
  return handler as unknown as HttpHandler;
}

function authenticatedCaller(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  groupsClaim: string,
  emailVerifyingIssuers: readonly string[] = [],
): Caller {
  const caller = callerFromEvent(event, groupsClaim, emailVerifyingIssuers);
  if (!caller) throw new UnauthorizedError('a valid bearer token is required');
  if (caller.roles.size === 0) {
    throw new ForbiddenError(`the token carries no Opsdesk role in its ${groupsClaim} claim`);
  }
  return caller;
}

/**
 * Records a caller with a verified address in the people directory on first sight
 * (functions/shared/people.ts). Bookkeeping only: no right depends on it, so a failed write is
 * logged and the request goes on.
 */
async function sight(caller: Caller, deps: PipelineDeps, logger: Logger): Promise<void> {
  if (!deps.people || !caller.personIds?.length || !caller.email) return;
  try {
    await deps.people.sighted({ email: caller.email, name: caller.name });
  } catch (error) {
    logger.warn('could not record the caller in the people directory', { error });
  }
}

/**
 * Every record id in a path: ticket and change numbers, group, calendar, policy and freeze-window
 * ids. Checked before any read, so an id DynamoDB cannot take as a key (over its key-size limit, or
 * not text at all) is a 400 naming the parameter, never a 500 from the store.
 */
export const PATH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

function checkPathIds(params: Record<string, string | undefined> | undefined): void {
  const errors = Object.entries(params ?? {})
    .filter(([, value]) => value === undefined || !PATH_ID_PATTERN.test(value))
    .map(([name]) => ({
      path: name,
      message: 'must be 1–128 characters: letters, digits and . _ : @ - (starting with a letter or digit)',
    }));
  if (errors.length > 0) {
    throw new ValidationError(errors, `invalid path: ${errors.map((e) => e.path).join(', ')}`);
  }
}

/** `GET /reports/...`: the routes that also answer `Accept: text/csv`. */
export function isReportRead(routeKey: string): boolean {
  return routeKey.startsWith('GET /reports/');
}

function withoutCursor(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query ?? null;
  const { cursor: _cursor, ...rest } = query as Record<string, unknown>;
  return rest;
}

/** 400 for a body sent to a route that takes none. */
class NoBodyExpectedError extends DomainError {
  readonly status = 400;
  constructor(detail: string) {
    super('validation_error', detail);
  }
}

/**
 * Turns a capability's operations into its Lambda handler. Handlers receive one of these and their
 * services, never the table client: the assembly (each function's function.ts) decides the rest.
 */
export type ApiBuilder = (operations: Record<string, Operation>) => HttpHandler;

/** Operations with no POST: no Idempotency-Key layer (see table-api.ts for those with one). */
export function plainApi(deps: PipelineDeps): ApiBuilder {
  return (operations) => httpApi(operations, deps);
}
