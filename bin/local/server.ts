import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type FunctionName, type RouteDefinition, routeKey } from '../../functions/shared/http/routes.js';
import { bearerChallenge, type VerifyResult } from './auth.js';
import { readBody } from './body.js';
import {
  apiGatewayRequestId,
  createLambdaContext,
  fromLambdaResult,
  type HttpResult,
  type RequestFacts,
  requestFacts,
  toApiGatewayEvent,
} from './lambda-events.js';
import { isLocalPath } from './local-routes.js';
import type { Logger } from './log.js';
import { type LocalResponse, problem, problemResponse } from './problem.js';
import { createRouter } from './router.js';

/**
 * The local API Gateway: routes requests by ROUTES, runs the JWT checks, turns requests into
 * payload-2.0 events for the same Lambda handlers that run on AWS, and their results back into
 * HTTP responses.
 */
export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2<unknown>>;

export interface LocalServerOptions {
  readonly routes: readonly RouteDefinition[];
  readonly handlers: Readonly<Record<FunctionName, LambdaHttpHandler>>;
  readonly verify: (authorization: string | undefined) => Promise<VerifyResult>;
  /** Serves `/_local/*` (local-routes.ts). */
  readonly localRoutes: (request: RequestFacts) => Promise<LocalResponse>;
  /** When not empty, OPTIONS preflights are answered here, as an HTTP API with CORS configured does. */
  readonly corsOrigins: readonly string[];
  readonly log: Logger;
  /** API Gateway's integration timeout (30 s); past it the caller gets 503. */
  readonly integrationTimeoutMs?: number;
}

const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;

function toHttpResult(response: LocalResponse): HttpResult {
  return { status: response.status, headers: response.headers, body: Buffer.from(response.body, 'utf8') };
}

function preflight(
  req: IncomingMessage,
  allow: readonly string[],
  corsOrigins: readonly string[],
): HttpResult {
  const origin = req.headers.origin;
  const allowed = origin && (corsOrigins.includes('*') || corsOrigins.includes(origin));
  const headers: Record<string, string> = { vary: 'origin' };
  if (allowed) {
    headers['access-control-allow-origin'] = corsOrigins.includes('*') ? '*' : origin;
    headers['access-control-allow-methods'] = allow.join(', ');
    headers['access-control-allow-headers'] =
      req.headers['access-control-request-headers'] ??
      'authorization, content-type, if-match, idempotency-key';
    headers['access-control-max-age'] = '600';
  }
  return { status: 204, headers, body: Buffer.alloc(0) };
}

async function invokeWithTimeout(
  handler: LambdaHttpHandler,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
  timeoutMs: number,
): Promise<{ kind: 'result'; value: APIGatewayProxyResultV2<unknown> } | { kind: 'timeout' }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ kind: 'timeout' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  try {
    return await Promise.race([
      handler(event, context).then((value) => ({ kind: 'result' as const, value })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createLocalServer(options: LocalServerOptions): Server {
  const route = createRouter(options.routes);
  const timeoutMs = options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;

  async function respond(req: IncomingMessage, requestId: string): Promise<HttpResult> {
    const target = req.url ?? '/';
    if (!target.startsWith('/'))
      return toHttpResult(problemResponse(problem(400, 'request target must be a path')));
    const path = target.split('?')[0]!;

    if (isLocalPath(path)) {
      const body = await readBody(req);
      if (!body.ok) return toHttpResult(problemResponse(problem(413, 'the request body exceeds 10 MB')));
      return toHttpResult(await options.localRoutes(requestFacts(req, body.body)));
    }

    const match = route(req.method ?? 'GET', path);
    if (match.kind === 'not-found')
      return toHttpResult(problemResponse(problem(404, `no route for ${path}`)));
    if (match.kind === 'method-not-allowed') {
      if (req.method === 'OPTIONS' && options.corsOrigins.length > 0) {
        return preflight(req, match.allow, options.corsOrigins);
      }
      return toHttpResult(
        problemResponse(problem(405, `${req.method} is not allowed on ${path}`), {
          allow: match.allow.join(', '),
        }),
      );
    }

    const body = await readBody(req);
    if (!body.ok) return toHttpResult(problemResponse(problem(413, 'the request body exceeds 10 MB')));

    let claims: Awaited<ReturnType<typeof options.verify>> | undefined;
    if (match.route.authenticated) {
      claims = await options.verify(req.headers.authorization);
      if (!claims.ok) {
        return toHttpResult(
          problemResponse(problem(401, claims.detail), { 'www-authenticate': bearerChallenge(claims) }),
        );
      }
    }

    const key = routeKey(match.route);
    const event = toApiGatewayEvent(
      requestFacts(req, body.body),
      { routeKey: key, pathParameters: match.pathParameters },
      { requestId, ...(claims?.ok && { claims: claims.claims }) },
    );
    const context = createLambdaContext(match.route.function, timeoutMs);
    let outcome: Awaited<ReturnType<typeof invokeWithTimeout>>;
    try {
      outcome = await invokeWithTimeout(options.handlers[match.route.function], event, context, timeoutMs);
    } catch (error) {
      options.log.error(`${context.functionName} threw on ${key} (request ${requestId})`, error);
      return toHttpResult(problemResponse(problem(500, 'the function failed; see the local runtime log')));
    }
    if (outcome.kind === 'timeout') {
      options.log.error(`${context.functionName} did not answer ${key} within ${timeoutMs} ms`);
      return toHttpResult(
        problemResponse(problem(503, `the function did not answer within ${timeoutMs} ms`)),
      );
    }
    const result = fromLambdaResult(outcome.value);
    if (!result) {
      options.log.error(`${context.functionName} returned an invalid response on ${key}`, outcome.value);
      return toHttpResult(problemResponse(problem(500, 'the function returned an invalid response')));
    }
    return result;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = apiGatewayRequestId();
    let result: HttpResult;
    try {
      result = await respond(req, requestId);
    } catch (error) {
      options.log.error(`local server failed on ${req.method} ${req.url}`, error);
      result = toHttpResult(problemResponse(problem(500, 'the local server failed; see its log')));
    }
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | string[]> = { ...result.headers, 'apigw-requestid': requestId };
    // A body we stopped reading (413) cannot be left on a keep-alive connection.
    if (!req.complete) headers.connection = 'close';
    // A function's own content-length could disagree with the decoded body: ours is authoritative.
    delete headers['content-length'];
    const bodyAllowed = req.method !== 'HEAD' && result.status !== 204 && result.status !== 304;
    if (bodyAllowed) headers['content-length'] = String(result.body.length);
    res.writeHead(result.status, headers);
    res.end(bodyAllowed ? result.body : undefined);
    const ms = (performance.now() - started).toFixed(0);
    options.log.info(`${req.method} ${req.url} ${result.status} ${ms}ms`);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  return server;
}
