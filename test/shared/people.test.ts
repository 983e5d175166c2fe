import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type Caller, requesterIdsOf } from '../../functions/shared/authz.js';
import { callerFromEvent } from '../../functions/shared/http/caller.js';
import {
  legacyPersonIdOf,
  type PersonSightings,
  personIdOf,
  personIdsOf,
  rememberedSightings,
  verifiedEmailOf,
} from '../../functions/shared/people.js';
import { isRequesterOf } from '../../functions/tickets/access.js';
import { ticket } from '../domain/fixtures.js';

/**
 * One person across channels (docs/api.md#one-person-across-channels): which ids a caller is
 * matched by, and the one rule that an address the token does not vouch for matches nobody.
 */
const ISSUER = 'https://login.example.com/';

describe('person ids', () => {
  it('are the normalised address behind a prefix no user id carries', () => {
    expect(personIdOf(' <Alice@Example.COM> ')).toBe('person:alice@example.com');
    expect(personIdOf('"alice@example.com"')).toBe(personIdOf('ALICE@example.com'));
  });

  it('an address too long for an id gets a hash, never a cut address two people could share', () => {
    const long = (tail: string) => `${'a'.repeat(130)}${tail}@example.com`;
    expect(personIdOf(long('x'))).toMatch(/^person:sha256:[0-9a-f]{64}$/);
    expect(personIdOf(long('x'))).not.toBe(personIdOf(long('y')));
    expect(personIdOf(long('x'))).toBe(personIdOf(long('X').toUpperCase()));
    expect(legacyPersonIdOf(long('x'))).toBeUndefined();
  });

  it('a verified address gives the person id, then the id mail-created tickets carried before', () => {
    expect(personIdsOf('Alice@Example.com')).toEqual(['person:alice@example.com', 'alice@example.com']);
  });
});

describe('verified email', () => {
  it.each([
    ['email_verified true', { email: 'a@x.org', email_verified: true }, 'a@x.org'],
    [
      'email_verified "true" (API Gateway’s string form)',
      { email: 'a@x.org', email_verified: 'true' },
      'a@x.org',
    ],
    ['a verifying issuer, no email_verified', { email: 'a@x.org', iss: ISSUER }, 'a@x.org'],
    [
      'a verifying issuer and email_verified true',
      { email: 'a@x.org', iss: ISSUER, email_verified: 'true' },
      'a@x.org',
    ],
  ])('%s: vouched for', (_label, claims, email) => {
    expect(verifiedEmailOf(claims, [ISSUER])).toBe(email);
  });

  it.each([
    ['no email_verified, another issuer', { email: 'a@x.org', iss: 'https://other.example.com/' }],
    ['no email_verified, no issuer', { email: 'a@x.org' }],
    ['email_verified false', { email: 'a@x.org', email_verified: false }],
    [
      'email_verified "false", even from a verifying issuer',
      { email: 'a@x.org', email_verified: 'false', iss: ISSUER },
    ],
    ['email_verified of another form', { email: 'a@x.org', email_verified: 'yes', iss: ISSUER }],
    ['no email', { email_verified: true }],
    ['not an address', { email: 'alice', email_verified: true }],
    ['an address with spaces', { email: 'al ice@x.org', email_verified: true }],
    ['an email that is not a string', { email: ['a@x.org'], email_verified: true }],
  ])('%s: not vouched for', (_label, claims) => {
    expect(verifiedEmailOf(claims, [ISSUER])).toBeUndefined();
  });
});

describe('the caller from a token', () => {
  const event = (claims: Record<string, unknown>) =>
    ({
      requestContext: { authorizer: { jwt: { claims, scopes: null } } },
    }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const alice = { sub: 'uuid-1', email: 'Alice@Example.com', 'cognito:groups': '[requester]' };

  it('is the person of a verified address', () => {
    const caller = callerFromEvent(event({ ...alice, email_verified: 'true' }), 'cognito:groups');
    expect(caller).toMatchObject({ id: 'uuid-1', email: 'Alice@Example.com' });
    expect(caller!.personIds).toEqual(['person:alice@example.com', 'alice@example.com']);
    expect(requesterIdsOf(caller!)).toEqual(['uuid-1', 'person:alice@example.com', 'alice@example.com']);
  });

  it('is the person of an address from an issuer the stack declares as verifying', () => {
    const caller = callerFromEvent(event({ ...alice, iss: ISSUER }), 'cognito:groups', [ISSUER]);
    expect(caller!.personIds).toEqual(['person:alice@example.com', 'alice@example.com']);
  });

  it('is nobody but themself with an address the token does not vouch for', () => {
    for (const claims of [
      { ...alice, email_verified: 'false' },
      alice,
      { ...alice, iss: 'https://other.example/' },
    ]) {
      const caller = callerFromEvent(event(claims), 'cognito:groups', [ISSUER]);
      expect(caller).toMatchObject({ id: 'uuid-1', email: 'Alice@Example.com' });
      expect(caller!.personIds).toBeUndefined();
      expect(requesterIdsOf(caller!)).toEqual(['uuid-1']);
    }
  });

  it('a sub in the namespace of person ids is no caller', () => {
    expect(
      callerFromEvent(event({ ...alice, sub: 'person:alice@example.com' }), 'cognito:groups'),
    ).toBeUndefined();
  });
});

describe('requester matching', () => {
  const caller = (personIds?: string[]): Caller => ({
    id: 'uuid-1',
    email: 'alice@example.com',
    name: 'Alice',
    roles: new Set(['requester']),
    ...(personIds ? { personIds } : {}),
  });
  const requestedBy = (id: string) => ticket({ requester: { id, email: 'alice@example.com', name: null } });
  const verified = caller(personIdsOf('alice@example.com'));

  it('a ticket opened by mail is the verified person’s, under the person id or the address of old', () => {
    expect(isRequesterOf(requestedBy('person:alice@example.com'), verified)).toBe(true);
    expect(isRequesterOf(requestedBy('alice@example.com'), verified)).toBe(true);
    expect(isRequesterOf(requestedBy('uuid-1'), verified)).toBe(true);
  });

  it('the same address without verification matches nothing but the caller’s own id', () => {
    const unverified = caller();
    expect(isRequesterOf(requestedBy('person:alice@example.com'), unverified)).toBe(false);
    expect(isRequesterOf(requestedBy('alice@example.com'), unverified)).toBe(false);
    expect(isRequesterOf(requestedBy('uuid-1'), unverified)).toBe(true);
  });

  it('another person’s tickets stay theirs', () => {
    expect(isRequesterOf(requestedBy('person:bob@example.com'), verified)).toBe(false);
    expect(isRequesterOf(requestedBy('bob@example.com'), verified)).toBe(false);
  });
});

describe('sightings', () => {
  it('are recorded once per person and container', async () => {
    const seen: string[] = [];
    const inner: PersonSightings = {
      sighted: async (person) => {
        seen.push(person.email);
      },
    };
    const sightings = rememberedSightings(inner, 2);
    await sightings.sighted({ email: 'a@x.org', name: null });
    await sightings.sighted({ email: 'A@X.org', name: 'A' });
    await sightings.sighted({ email: 'b@x.org', name: null });
    expect(seen).toEqual(['a@x.org', 'b@x.org']);
    // Full: forgotten, so recorded again (first sight is idempotent).
    await sightings.sighted({ email: 'c@x.org', name: null });
    await sightings.sighted({ email: 'a@x.org', name: null });
    expect(seen).toEqual(['a@x.org', 'b@x.org', 'c@x.org', 'a@x.org']);
  });

  it('a failed write is not remembered', async () => {
    let fail = true;
    const sightings = rememberedSightings({
      sighted: async () => {
        if (fail) throw new Error('throttled');
      },
    });
    await expect(sightings.sighted({ email: 'a@x.org', name: null })).rejects.toThrow('throttled');
    fail = false;
    await expect(sightings.sighted({ email: 'a@x.org', name: null })).resolves.toBeUndefined();
  });
});
