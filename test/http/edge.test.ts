import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type DomainError, ValidationError } from '../../functions/shared/errors.js';
import { callerFromEvent, parseRoles } from '../../functions/shared/http/caller.js';
import { openCursor, sealCursor } from '../../functions/shared/http/cursor.js';
import { MAX_BODY_BYTES, parseJsonBody, validate } from '../../functions/shared/http/decode.js';
import { etagOf, versionFromIfMatch } from '../../functions/shared/http/etag.js';
import {
  createTicketBody,
  listTicketsQuery,
  updateTicketBody,
} from '../../functions/tickets/http/schemas.js';
import { parseQueueParams } from '../../functions/tickets/queue.js';

const key = new Uint8Array(32).fill(7);
const scope = { route: 'GET /tickets', caller: 'alice', params: {}, query: { status: 'new' } };

describe('cursors', () => {
  const lastKey = { PK: 'TICKET#INC-000001', SK: 'TICKET', listSk: '2026-11-23T10:00:00.000Z#INC-000001' };

  it('round-trip for the same query and caller', () => {
    expect(openCursor(sealCursor(lastKey, scope, key), scope, key)).toEqual(lastKey);
  });

  it('do not reveal the key they carry', () => {
    expect(Buffer.from(sealCursor(lastKey, scope, key), 'base64url').toString('latin1')).not.toContain(
      'TICKET#',
    );
  });

  it.each([
    ['another caller', { ...scope, caller: 'bob' }, key],
    ['another filter', { ...scope, query: { status: 'resolved' } }, key],
    ['another route', { ...scope, route: 'GET /groups' }, key],
    ['another key', scope, new Uint8Array(32).fill(8)],
  ])('are rejected when replayed with %s', (_label, otherScope, otherKey) => {
    expect(() => openCursor(sealCursor(lastKey, scope, key), otherScope, otherKey)).toThrow(ValidationError);
  });

  it.each(['', 'abc', 'x'.repeat(200), `${sealCursor(lastKey, scope, key).slice(0, -2)}AA`])(
    'are rejected when forged or truncated (%#)',
    (cursor) => {
      expect(() => openCursor(cursor, scope, key)).toThrow(/cursor/);
    },
  );
});

describe('caller from JWT claims', () => {
  const event = (claims: Record<string, unknown>) =>
    ({
      requestContext: { authorizer: { jwt: { claims, scopes: null } } },
    }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

  it.each([
    ['API Gateway string form', '[agent admin]', ['agent', 'admin']],
    ['JSON array', ['requester'], ['requester']],
    ['comma list', 'approver,agent', ['approver', 'agent']],
    ['unknown names dropped', '[agent wizard]', ['agent']],
    ['missing claim', undefined, []],
  ])('roles from %s', (_label, claim, roles) => {
    expect(parseRoles(claim)).toEqual(roles);
  });

  it('reads sub, email, name and the configured groups claim', () => {
    const caller = callerFromEvent(
      event({ sub: 'u1', email: 'u1@x.org', name: 'U One', roles: '[agent]' }),
      'roles',
    );
    expect(caller).toEqual({ id: 'u1', email: 'u1@x.org', name: 'U One', roles: new Set(['agent']) });
  });

  it('no sub, no caller', () => {
    expect(callerFromEvent(event({ email: 'x' }), 'cognito:groups')).toBeUndefined();
  });
});

describe('If-Match', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['"3"', 3],
    ['W/"12"', 12],
    [etagOf(5), 5],
  ])('%s → %s', (header, version) => {
    expect(versionFromIfMatch(header)).toBe(version);
  });

  it.each(['3', '"abc"', '"1", "2"', ''])('rejects %j with 400', (header) => {
    expect(() => versionFromIfMatch(header)).toThrow(ValidationError);
  });
});

describe('request bodies', () => {
  const event = (body: string | undefined, contentType = 'application/json', base64 = false) =>
    ({
      body,
      isBase64Encoded: base64,
      headers: { 'content-type': contentType },
    }) as unknown as APIGatewayProxyEventV2;
  const statusOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as DomainError).status;
    }
    return 'ok';
  };

  it.each([
    ['no body', event(undefined), 'ok'],
    ['JSON', event('{"a":1}'), 'ok'],
    ['JSON with charset', event('{}', 'application/json; charset=utf-8'), 'ok'],
    ['base64 JSON', event(Buffer.from('{}').toString('base64'), 'application/json', true), 'ok'],
    ['malformed JSON', event('{"a":'), 400],
    ['text/plain', event('{}', 'text/plain'), 415],
    ['too large', event(`"${'x'.repeat(MAX_BODY_BYTES)}"`), 413],
  ])('%s → %s', (_label, e, status) => {
    expect(statusOf(() => parseJsonBody(e))).toBe(status);
  });

  it('validation names every offending path, including unknown fields', () => {
    try {
      validate(createTicketBody, { type: 'bug', title: '', impact: 9, colour: 'red' }, 'body');
      expect.unreachable();
    } catch (error) {
      const paths = (error as ValidationError).errors.map((e) => e.path).sort();
      expect(paths).toEqual(['colour', 'impact', 'title', 'type']);
    }
  });

  it('a missing body is named as such', () => {
    expect(() => validate(createTicketBody, undefined, 'body')).toThrow(/JSON body is required/);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ priority: '6' }, 'priority'],
    [{ status: 'open' }, 'status'],
    [{ sort: 'asc' }, 'sort'],
  ])('list query %j is rejected at %s', (query, path) => {
    try {
      // The schema bounds the shape; queue values are checked by the domain (functions/tickets/queue.ts).
      const {
        limit: _limit,
        cursor: _cursor,
        view: _view,
        ...params
      } = validate(listTicketsQuery, query, 'query');
      parseQueueParams(params);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).errors[0]!.path).toBe(path);
    }
  });

  it('limit defaults to 25', () => {
    expect(validate(listTicketsQuery, {}, 'query').limit).toBe(25);
  });

  it('descriptions over 64 KiB of UTF-8 are rejected, 64 KiB is fine', () => {
    expect(() => validate(updateTicketBody, { description: 'é'.repeat(32 * 1024 + 1) }, 'body')).toThrow(
      /64 KiB/,
    );
    expect(
      validate(updateTicketBody, { description: 'é'.repeat(32 * 1024) }, 'body').description,
    ).toHaveLength(32 * 1024);
  });

  it('an empty PATCH is rejected', () => {
    expect(() => validate(updateTicketBody, {}, 'body')).toThrow(/at least one field/);
  });
});
