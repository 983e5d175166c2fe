import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { JWTPayload } from 'jose';

/**
 * Translation between Node's HTTP objects and API Gateway HTTP API's Lambda proxy payload
 * format 2.0, so handlers see locally exactly what they see on AWS.
 */

/** What the event builder needs from a request (an IncomingMessage plus its read body). */
export interface RequestFacts {
  readonly method: string;
  /** The request target as sent (`/tickets?status=new`). */
  readonly url: string;
  /** Header values per lowercased name, repeated headers as several entries. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly remoteAddress: string;
  readonly httpVersion: string;
  readonly body: Buffer;
}

export interface MatchedRoute {
  /** `GET /tickets/{id}` */
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

export function requestFacts(req: IncomingMessage, body: Buffer): RequestFacts {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headersDistinct,
    remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
    httpVersion: req.httpVersion,
    body,
  };
}

/**
 * Content types API Gateway HTTP APIs hand to Lambda as UTF-8 text; every other body, including
 * one without a content type and form posts, arrives base64-encoded with isBase64Encoded true
 * (behaviour measured against AWS; the documentation does not list the types).
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/javascript'
  );
}

/**
 * API Gateway's JWT authorizer hands claims to the integration as strings: numbers and booleans
 * stringified, arrays as `[a b]` (space-separated in brackets), null claims dropped, nested objects
 * as JSON text. Handlers must parse `cognito:groups` from that form, so we produce it faithfully.
 */
export function claimsAsApiGatewayStrings(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value))
      out[name] = `[${value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
export function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** A request id shaped like API Gateway's (`JKJaXmPLvHcESHA=`). */
export function apiGatewayRequestId(): string {
  return randomBytes(10).toString('base64');
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    // Repeated keys are joined with commas, as API Gateway does in payload 2.0.
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function sourceIp(remoteAddress: string): string {
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
}

export interface EventOptions {
  /** Verified token claims; absent on routes without authorization (no authorizer block then). */
  readonly claims?: JWTPayload;
  readonly requestId?: string;
  readonly now?: Date;
}

/** The API Gateway HTTP API (payload 2.0) event for a request that matched `route`. */
export function toApiGatewayEvent(
  request: RequestFacts,
  route: MatchedRoute,
  options: EventOptions = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = options.now ?? new Date();
  const requestId = options.requestId ?? apiGatewayRequestId();
  const queryIndex = request.url.indexOf('?');
  const rawPath = queryIndex === -1 ? request.url : request.url.slice(0, queryIndex);
  const rawQueryString = queryIndex === -1 ? '' : request.url.slice(queryIndex + 1);
  const ip = sourceIp(request.remoteAddress);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(request.headers)) {
    if (!values || values.length === 0) continue;
    if (name === 'cookie') {
      // Payload 2.0 moves cookies out of the headers into their own array.
      cookies = values
        .flatMap((v) => v.split(';'))
        .map((c) => c.trim())
        .filter(Boolean);
      continue;
    }
    headers[name] = values.join(',');
  }
  const host = headers.host ?? '127.0.0.1';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${ip}` : ip;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= host.includes(':') ? host.slice(host.lastIndexOf(':') + 1) : '80';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const hasBody = request.body.length > 0;
  const text = isTextContentType(headers['content-type']);
  const method = request.method.toUpperCase();
  const queryStringParameters = queryParameters(rawQueryString);

  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 && { cookies }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]!.split(':')[0]!,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: ip,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
      // Routes without authorization carry no authorizer block on AWS (hence the cast); handlers
      // of public routes must not rely on it.
      ...(options.claims && {
        authorizer: { jwt: { claims: claimsAsApiGatewayStrings(options.claims), scopes: null } },
      }),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    ...(Object.keys(route.pathParameters).length > 0 && { pathParameters: { ...route.pathParameters } }),
    ...(hasBody && { body: text ? request.body.toString('utf8') : request.body.toString('base64') }),
    isBase64Encoded: hasBody && !text,
  };
  return event;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A Lambda context for a local invocation of `opsdesk-local-<fn>`. */
export function createLambdaContext(fn: string, timeoutMs: number = DEFAULT_TIMEOUT_MS): Context {
  const functionName = `opsdesk-local-${fn}`;
  const deadline = Date.now() + timeoutMs;
  const awsRequestId = randomUUID();
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${today}/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A handler's result as the HTTP response API Gateway would send. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Applies API Gateway's payload 2.0 response rules: a structured result with a statusCode is used
 * as is (cookies become Set-Cookie headers, base64 bodies are decoded); anything else (a string or
 * an object without statusCode) is a 200 JSON body. Returns undefined for a result API Gateway
 * would reject (then it answers 500).
 */
export function fromLambdaResult(result: APIGatewayProxyResultV2<unknown>): HttpResult | undefined {
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : undefined;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(body ?? '', 'utf8'),
    };
  }
  const status = structured.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (structured.cookies && structured.cookies.length > 0) headers['set-cookie'] = [...structured.cookies];
  const raw = structured.body ?? '';
  const body = structured.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { status, headers, body };
}
