import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintToken } from '../../bin/local/auth.js';
import type { LocalFunctions } from '../../bin/local/functions.js';
import type { FunctionName } from '../../functions/shared/http/routes.js';
import { api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * The local API Gateway and operator routes, with fake functions standing in for the real
 * handlers: what is tested here is the runtime, not the domain.
 */
interface Echo {
  functionName: string;
  now: string;
  event: APIGatewayProxyEventV2WithJWTAuthorizer;
}

const calls: { fn: FunctionName; event: APIGatewayProxyEventV2WithJWTAuthorizer }[] = [];
let seeded = 0;

function echoFactory(fn: FunctionName): LocalFunctions['http'][FunctionName] {
  return (deps) => async (event, context) => {
    calls.push({ fn, event });
    if (event.rawPath === '/tickets/boom') throw new Error('handler exploded (expected by the test)');
    if (event.rawPath === '/tickets/slow') await new Promise((r) => setTimeout(r, 1_000));
    if (event.rawPath === '/tickets/binary') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from([0, 1, 2, 254, 255]).toString('base64'),
        isBase64Encoded: true,
      };
    }
    const echo: Echo = { functionName: context.functionName, now: deps.clock.now().toISOString(), event };
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(echo) };
  };
}

const fakeFunctions: LocalFunctions = {
  http: {
    public: echoFactory('public'),
    tickets: echoFactory('tickets'),
    attachments: echoFactory('attachments'),
    admin: echoFactory('admin'),
    changes: echoFactory('changes'),
    cmdb: echoFactory('cmdb'),
    alerts: echoFactory('alerts'),
    catalog: echoFactory('catalog'),
    problems: echoFactory('problems'),
    reports: echoFactory('reports'),
    csat: echoFactory('csat'),
  },
  // Publishes one event per inserted item, named after the item's `kind`.
  streamPublisher:
    ({ bus }) =>
    async (event) => {
      await bus.publish(
        event.Records.filter((r) => r.eventName === 'INSERT').map((r) => ({
          detailType: r.dynamodb?.NewImage?.kind?.S ?? 'Item Written',
          detail: { eventId: r.eventID!, recordId: r.dynamodb?.NewImage?.PK?.S },
          time: new Date().toISOString(),
        })),
      );
      return { batchItemFailures: [] };
    },
  // Writes before the stream poller starts: its event must still arrive (TRIM_HORIZON).
  seed: async (deps) => {
    seeded += 1;
    await deps.dynamo.send(
      new PutCommand({ TableName: deps.tableName, Item: { PK: 'SEED#1', SK: 'A', kind: 'Seeded' } }),
    );
  },
};

describe('local runtime (fake functions)', () => {
  let rt: LocalRuntime;
  let client: ReturnType<typeof api>;
  let agent: string;
  let requester: string;

  beforeAll(async () => {
    rt = await startTestRuntime({ functions: fakeFunctions, integrationTimeoutMs: 300 });
    client = api(rt);
    agent = rt.tokenFor('bob', ['agent', 'approver'], { email: 'bob@example.com', name: 'Bob' });
    requester = rt.tokenFor('alice', ['requester']);
  });
  afterAll(() => rt?.stop());

  it('listens on 127.0.0.1 and seeds once', () => {
    expect(rt.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(seeded).toBe(1);
  });

  describe('routing', () => {
    it('runs public routes without a token and without an authorizer block', async () => {
      const res = await client.request<Echo>('GET', '/health');
      expect(res.status).toBe(200);
      expect(res.json.functionName).toBe('opsdesk-local-public');
      expect(res.json.event.routeKey).toBe('GET /health');
      expect(res.json.event.requestContext.authorizer).toBeUndefined();
      expect(res.headers.get('apigw-requestid')).toBe(res.json.event.requestContext.requestId);
    });

    it('passes route key, path parameters, query and claims to the function', async () => {
      const res = await client.request<Echo>('GET', '/tickets/INC-000001?status=new&status=on_hold', {
        token: agent,
      });
      expect(res.status).toBe(200);
      expect(res.json.functionName).toBe('opsdesk-local-tickets');
      const event = res.json.event;
      expect(event.routeKey).toBe('GET /tickets/{id}');
      expect(event.pathParameters).toEqual({ id: 'INC-000001' });
      expect(event.queryStringParameters).toEqual({ status: 'new,on_hold' });
      expect(event.requestContext.authorizer.jwt.claims).toMatchObject({
        sub: 'bob',
        email: 'bob@example.com',
        name: 'Bob',
        'cognito:groups': '[agent approver]',
        iss: 'opsdesk-local',
        aud: 'opsdesk',
        exp: expect.stringMatching(/^\d+$/),
      });
    });

    it('answers unknown paths with 404 problem+json', async () => {
      const res = await client.request('GET', '/nowhere', { token: agent });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json).toMatchObject({
        type: 'https://opsdesk.dev/problems/not_found',
        code: 'not_found',
        title: 'Not found',
        status: 404,
        detail: expect.any(String),
      });
    });

    it('answers a known path with a wrong method with 405 and Allow', async () => {
      const res = await client.request('DELETE', '/tickets/INC-000001', { token: agent });
      expect(res.status).toBe(405);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('allow')).toContain('GET');
      expect(res.headers.get('allow')).toContain('PATCH');
    });

    it('sends JSON bodies as text and other bodies base64-encoded', async () => {
      const json = await client.request<Echo>('PATCH', '/tickets/INC-1', {
        token: agent,
        body: { title: 'x' },
      });
      expect(json.json.event).toMatchObject({ body: '{"title":"x"}', isBase64Encoded: false });
      const binary = await client.request<Echo>('PATCH', '/tickets/INC-1', {
        token: agent,
        body: Buffer.from([1, 2, 3]),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(binary.json.event).toMatchObject({ body: 'AQID', isBase64Encoded: true });
    });

    it('decodes a base64 response body', async () => {
      const res = await fetch(`${rt.url}/tickets/binary`, { headers: { authorization: `Bearer ${agent}` } });
      expect(res.status).toBe(200);
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0, 1, 2, 254, 255]);
    });
  });

  describe('authorizer', () => {
    it('refuses a missing token with 401 and WWW-Authenticate before the function runs', async () => {
      const before = calls.length;
      const res = await client.request('GET', '/tickets/INC-1');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(calls.length).toBe(before);
    });

    it('refuses garbled, expired and foreign tokens', async () => {
      const expired = mintToken(new Uint8Array(32), { userId: 'x', roles: ['admin'] });
      for (const token of ['garbage', expired, rt.tokenFor('x', ['admin'], { ttlSeconds: 1 }).slice(0, -2)]) {
        const res = await client.request('GET', '/tickets/INC-1', { token });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      }
    });
  });

  describe('failures', () => {
    it('turns a throwing function into 500 problem+json and keeps serving', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const res = await client.request('GET', '/tickets/boom', { token: agent });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(errors).toHaveBeenCalled();
      errors.mockRestore();
      expect((await client.request('GET', '/health')).status).toBe(200);
    });

    it('answers 503 when the function exceeds the integration timeout', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const res = await client.request('GET', '/tickets/slow', { token: agent });
      errors.mockRestore();
      expect(res.status).toBe(503);
      expect(res.json.status).toBe(503);
    });

    it('refuses bodies over 10 MB with 413 before the function runs', async () => {
      const before = calls.length;
      const res = await client.request('PATCH', '/tickets/INC-1', {
        token: agent,
        body: 'x'.repeat(10 * 1024 * 1024 + 1),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(calls.length).toBe(before);
    });
  });

  describe('/_local routes', () => {
    it('require a token (401) with the admin role (403)', async () => {
      for (const [method, path] of [
        ['GET', '/_local/clock'],
        ['POST', '/_local/clock'],
        ['POST', '/_local/sweep'],
        ['GET', '/_local/outbox'],
        ['GET', '/_local/events'],
        ['POST', '/_local/default-bus'],
        ['POST', '/_local/flush'],
      ] as const) {
        const body = method === 'POST' ? { advanceMinutes: 1 } : undefined;
        const anonymous = await client.request(method, path, { body });
        expect(anonymous.status, `${method} ${path}`).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
        const notAdmin = await client.request(method, path, { token: requester, body });
        expect(notAdmin.status, `${method} ${path}`).toBe(403);
        expect(notAdmin.headers.get('content-type')).toBe('application/problem+json');
      }
    });

    it('answer unknown local paths with 404 and wrong methods with 405', async () => {
      expect((await client.request('GET', '/_local/nothing', { token: rt.adminToken })).status).toBe(404);
      const res = await client.request('DELETE', '/_local/clock', { token: rt.adminToken });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST');
    });

    it('set and advance the clock the functions read', async () => {
      const admin = api(rt, { token: rt.adminToken });
      const set = await admin.request('POST', '/_local/clock', { body: { now: '2030-01-01T09:00:00.000Z' } });
      expect(set.status).toBe(200);
      expect(Date.parse(set.json.now) - Date.parse('2030-01-01T09:00:00.000Z')).toBeLessThan(1_000);

      const advanced = await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 90 } });
      expect(Date.parse(advanced.json.now) - Date.parse('2030-01-01T10:30:00.000Z')).toBeLessThan(1_000);

      const seen = await client.request<Echo>('GET', '/tickets/INC-1', { token: agent });
      expect(seen.json.now.startsWith('2030-01-01T10:3')).toBe(true);
      // Tokens keep working: the authorizer follows real time, not the test clock.
      expect(seen.status).toBe(200);

      const read = await admin.request('GET', '/_local/clock');
      expect(read.json).toEqual({ now: '2030-01-01T10:30:00.000Z', frozen: true });

      const real = await admin.request('POST', '/_local/clock', { body: { real: true } });
      expect(real.json.frozen).toBe(false);
      expect(Math.abs(Date.parse(real.json.now) - Date.now())).toBeLessThan(5_000);
    });

    it('stand the clock still once set or advanced, until set, advanced or made real again', async () => {
      const admin = api(rt, { token: rt.adminToken });
      const set = await admin.request('POST', '/_local/clock', { body: { now: '2030-01-01T09:00:00.000Z' } });
      expect(set.json).toEqual({ now: '2030-01-01T09:00:00.000Z', frozen: true });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await admin.request('GET', '/_local/clock')).json.now).toBe('2030-01-01T09:00:00.000Z');
      const advanced = await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 0.5 } });
      expect(advanced.json).toEqual({ now: '2030-01-01T09:00:30.000Z', frozen: true });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await admin.request('GET', '/_local/clock')).json.now).toBe('2030-01-01T09:00:30.000Z');
      expect((await admin.request('POST', '/_local/clock', { body: { real: true } })).json.frozen).toBe(
        false,
      );
    });

    it('validate the clock body and name the field', async () => {
      const admin = api(rt, { token: rt.adminToken });
      const cases: [unknown, string][] = [
        [{ now: 'tomorrow' }, 'now'],
        [{ advanceMinutes: 'ten' }, 'advanceMinutes'],
        [{}, 'now'],
        [{ now: '2030-01-01T00:00:00Z', advanceMinutes: 5 }, 'now'],
        [{ advanceMinutes: 5, extra: true }, 'extra'],
        [{ real: false }, 'real'],
        [{ real: true, now: '2030-01-01T00:00:00Z' }, 'now'],
      ];
      for (const [body, field] of cases) {
        const res = await admin.request('POST', '/_local/clock', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.json.detail).toContain(field);
        expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(field);
      }
      const malformed = await admin.request('POST', '/_local/clock', {
        body: '{"now": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
    });

    it('run the real SLA sweeper by default, a plugged-in one instead, and 501 with none', async () => {
      const admin = api(rt, { token: rt.adminToken });
      const real = await admin.request('POST', '/_local/sweep');
      expect(real.status).toBe(200);
      expect(real.json).toEqual({
        examined: 0,
        warned: 0,
        breached: 0,
        notified: 0,
        unnotified: 0,
        unnotifiedNotices: [],
        closed: 0,
        // The other jobs of the due index: CMDB warranty reminders, catalog approval timers, alert flap ends.
        warrantyNotices: 0,
        approvalsEscalated: 0,
        approvalsExpired: 0,
        alertFlapsEnded: 0,
        // The CSAT timers of the due index (docs/csat.md#timers).
        surveys: { mailed: 0, expired: 0, voided: 0 },
      });
      rt.setSweeper(async () => ({ warned: 1, breached: 0 }));
      const swept = await admin.request('POST', '/_local/sweep');
      expect(swept.json).toEqual({ warned: 1, breached: 0 });
      rt.setSweeper(undefined);
      const missing = await admin.request('POST', '/_local/sweep');
      expect(missing.status).toBe(501);
    });

    it('list the outbox', async () => {
      const admin = api(rt, { token: rt.adminToken });
      expect((await admin.request('GET', '/_local/outbox')).json).toEqual({ items: [] });
      await rt.deps.mail.send({
        to: ['alice@example.com'],
        subject: '[INC-000001] received',
        text: 'We have your request.',
        messageId: '<1@opsdesk.local>',
        automatic: true,
      });
      const items = (await admin.request('GET', '/_local/outbox')).json.items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        to: ['alice@example.com'],
        subject: '[INC-000001] received',
        automatic: true,
      });
      rt.outbox.length = 0;
    });

    it('list recorded events oldest first, including those written before the poller started', async () => {
      await rt.deps.dynamo.send(
        new PutCommand({ TableName: rt.tableName, Item: { PK: 'ITEM#2', SK: 'A', kind: 'Item Created' } }),
      );
      const admin = api(rt, { token: rt.adminToken });
      // The operator route drains the stream as rt.flushEvents() does: the put is published after it.
      expect((await admin.request('POST', '/_local/flush')).json).toEqual({ flushed: true });
      const all = await admin.request('GET', '/_local/events');
      expect(all.json.items.map((e: { detailType: string }) => e.detailType)).toEqual([
        'Seeded',
        'Item Created',
      ]);
      expect(all.json.items[0]).toEqual({
        detailType: 'Seeded',
        source: 'opsdesk',
        time: expect.any(String),
        detail: { eventId: expect.any(String), recordId: 'SEED#1' },
      });
      const filtered = await admin.request('GET', '/_local/events?detailType=Item%20Created');
      expect(filtered.json.items).toHaveLength(1);
      expect(filtered.json.items[0].detail.recordId).toBe('ITEM#2');
    });
  });
});

describe('local runtime stop', () => {
  it('closes the port and is idempotent', async () => {
    const rt = await startTestRuntime({ functions: fakeFunctions });
    expect((await fetch(`${rt.url}/health`)).status).toBe(200);
    await Promise.all([rt.stop(), rt.stop()]);
    await expect(fetch(`${rt.url}/health`)).rejects.toThrow();
  });
});
