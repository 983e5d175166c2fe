import { describe, expect, it } from 'vitest';
import {
  apiGatewayTime,
  claimsAsApiGatewayStrings,
  createLambdaContext,
  fromLambdaResult,
  isTextContentType,
  type RequestFacts,
  toApiGatewayEvent,
} from '../../bin/local/lambda-events.js';

function request(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    method: 'GET',
    url: '/tickets/INC-000001',
    headers: { host: ['127.0.0.1:3000'], 'user-agent': ['vitest'] },
    remoteAddress: '::ffff:127.0.0.1',
    httpVersion: '1.1',
    body: Buffer.alloc(0),
    ...overrides,
  };
}

const ROUTE = { routeKey: 'GET /tickets/{id}', pathParameters: { id: 'INC-000001' } };

describe('toApiGatewayEvent (HTTP API payload 2.0)', () => {
  it('carries the route key, raw path and request context', () => {
    const now = new Date('2026-03-12T19:03:58.123Z');
    const event = toApiGatewayEvent(request(), ROUTE, { requestId: 'req-1', now });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /tickets/{id}',
      rawPath: '/tickets/INC-000001',
      rawQueryString: '',
      pathParameters: { id: 'INC-000001' },
      isBase64Encoded: false,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: '127.0.0.1:3000',
        http: {
          method: 'GET',
          path: '/tickets/INC-000001',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'vitest',
        },
        requestId: 'req-1',
        routeKey: 'GET /tickets/{id}',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: now.getTime(),
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
  });

  it('omits pathParameters when the route has none', () => {
    const event = toApiGatewayEvent(request({ url: '/tickets' }), {
      routeKey: 'GET /tickets',
      pathParameters: {},
    });
    expect(event.pathParameters).toBeUndefined();
  });

  it('joins repeated query keys with commas and decodes values', () => {
    const event = toApiGatewayEvent(
      request({ url: '/tickets?status=new&status=on_hold&title=VPN%20down&empty=' }),
      ROUTE,
    );
    expect(event.rawQueryString).toBe('status=new&status=on_hold&title=VPN%20down&empty=');
    expect(event.queryStringParameters).toEqual({ status: 'new,on_hold', title: 'VPN down', empty: '' });
  });

  it('lowercases headers, joins repeated ones with commas and moves cookies out', () => {
    const event = toApiGatewayEvent(
      request({
        headers: {
          host: ['localhost:3000'],
          'x-multi': ['a', 'b'],
          cookie: ['a=1; b=2', 'c=3'],
          'content-type': ['application/json'],
        },
      }),
      ROUTE,
    );
    expect(event.headers['x-multi']).toBe('a,b');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-forwarded-port']).toBe('3000');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('passes text bodies as UTF-8 and everything else base64-encoded', () => {
    const json = toApiGatewayEvent(
      request({
        method: 'POST',
        headers: { 'content-type': ['application/json; charset=utf-8'] },
        body: Buffer.from('{"t":"é"}'),
      }),
      ROUTE,
    );
    expect(json.body).toBe('{"t":"é"}');
    expect(json.isBase64Encoded).toBe(false);

    const bytes = Buffer.from([0, 1, 2, 255]);
    const binary = toApiGatewayEvent(
      request({ method: 'POST', headers: { 'content-type': ['application/octet-stream'] }, body: bytes }),
      ROUTE,
    );
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(bytes);

    const untyped = toApiGatewayEvent(
      request({ method: 'POST', headers: {}, body: Buffer.from('x') }),
      ROUTE,
    );
    expect(untyped.isBase64Encoded).toBe(true);
    expect(untyped.body).toBe(Buffer.from('x').toString('base64'));
  });

  it('classifies content types as API Gateway does', () => {
    expect(isTextContentType('text/plain')).toBe(true);
    expect(isTextContentType('text/csv; charset=utf-8')).toBe(true);
    expect(isTextContentType('application/json')).toBe(true);
    expect(isTextContentType('Application/JSON')).toBe(true);
    expect(isTextContentType('application/xml')).toBe(true);
    expect(isTextContentType('application/javascript')).toBe(true);
    expect(isTextContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isTextContentType('multipart/form-data; boundary=x')).toBe(false);
    expect(isTextContentType(undefined)).toBe(false);
  });

  it('passes claims as API Gateway does: strings, arrays as "[a b]", nulls dropped', () => {
    const event = toApiGatewayEvent(request(), ROUTE, {
      claims: {
        sub: 'alice',
        'cognito:groups': ['agent', 'admin'],
        exp: 1700000000,
        email_verified: true,
        nothing: null,
        address: { country: 'NZ' },
      },
    });
    expect(event.requestContext.authorizer).toEqual({
      jwt: {
        claims: {
          sub: 'alice',
          'cognito:groups': '[agent admin]',
          exp: '1700000000',
          email_verified: 'true',
          address: '{"country":"NZ"}',
        },
        scopes: null,
      },
    });
  });

  it('has no authorizer block on routes without authorization', () => {
    const event = toApiGatewayEvent(request({ url: '/health' }), {
      routeKey: 'GET /health',
      pathParameters: {},
    });
    expect('authorizer' in event.requestContext).toBe(false);
  });

  it('formats requestContext.time like API Gateway', () => {
    expect(apiGatewayTime(new Date('2026-01-05T04:03:02Z'))).toBe('05/Jan/2026:04:03:02 +0000');
  });

  it('claimsAsApiGatewayStrings renders a one-element array in brackets', () => {
    expect(claimsAsApiGatewayStrings({ 'cognito:groups': ['requester'] })).toEqual({
      'cognito:groups': '[requester]',
    });
  });
});

describe('createLambdaContext', () => {
  it('names the function and counts down the remaining time', () => {
    const context = createLambdaContext('tickets', 30_000);
    expect(context.functionName).toBe('opsdesk-local-tickets');
    expect(context.invokedFunctionArn).toContain(':function:opsdesk-local-tickets');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(29_000);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(30_000);
  });
});

describe('fromLambdaResult', () => {
  it('uses a structured result as is, cookies as Set-Cookie', () => {
    const result = fromLambdaResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3 },
      cookies: ['a=1', 'b=2'],
      body: '{"ok":true}',
    });
    expect(result?.status).toBe(201);
    expect(result?.headers).toEqual({
      'content-type': 'application/json',
      'x-count': '3',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(result?.body.toString()).toBe('{"ok":true}');
  });

  it('decodes base64 bodies', () => {
    const result = fromLambdaResult({
      statusCode: 200,
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });
    expect([...(result?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it('treats a string or an object without statusCode as a 200 JSON body', () => {
    expect(fromLambdaResult('"hi"')).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    const object = fromLambdaResult({ message: 'hi' });
    expect(object?.status).toBe(200);
    expect(object?.body.toString()).toBe('{"message":"hi"}');
  });

  it('rejects an invalid status code', () => {
    expect(fromLambdaResult({ statusCode: 42 })).toBeUndefined();
  });
});
