import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bearerChallenge,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  mintToken,
  verifyAuthorization,
} from '../../bin/local/auth.js';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../bin/local/signing-key.js';
import { parseTokenArgs, parseTtl } from '../../bin/local/token-cli.js';

const key = new Uint8Array(randomBytes(32));

describe('verifyAuthorization (the JWT authorizer checks)', () => {
  const token = mintToken(key, {
    userId: 'alice',
    roles: ['agent', 'admin'],
    email: 'alice@example.com',
    name: 'Alice',
  });

  it('accepts a valid token and passes its claims', async () => {
    const result = await verifyAuthorization(`Bearer ${token}`, key);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.claims).toMatchObject({
      sub: 'alice',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice',
      'cognito:groups': ['agent', 'admin'],
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
    });
    expect(result.claims.exp! - result.claims.iat!).toBe(12 * 3600);
  });

  it('says whether the email is verified only when there is one; emailVerified: false mints a mere claim', async () => {
    const claimsOf = async (request: Parameters<typeof mintToken>[1]) => {
      const result = await verifyAuthorization(mintToken(key, request), key);
      return result.ok ? result.claims : undefined;
    };
    expect(await claimsOf({ userId: 'bob', roles: ['requester'] })).not.toHaveProperty('email_verified');
    expect(
      await claimsOf({
        userId: 'bob',
        roles: ['requester'],
        email: 'alice@example.com',
        emailVerified: false,
      }),
    ).toMatchObject({ email: 'alice@example.com', email_verified: false });
  });

  it('accepts the token without the Bearer prefix, as API Gateway does', async () => {
    expect((await verifyAuthorization(token, key)).ok).toBe(true);
  });

  it('refuses a missing token', async () => {
    const result = await verifyAuthorization(undefined, key);
    expect(result).toMatchObject({ ok: false, reason: 'missing' });
    if (!result.ok) expect(bearerChallenge(result)).toBe('Bearer');
    expect(await verifyAuthorization('Bearer ', key)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('refuses a garbled token', async () => {
    const result = await verifyAuthorization('Bearer not.a.jwt', key);
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    if (!result.ok) expect(bearerChallenge(result)).toMatch(/^Bearer error="invalid_token"/);
  });

  it('refuses an expired token', async () => {
    const expired = mintToken(key, {
      userId: 'alice',
      roles: ['agent'],
      issuedAt: new Date(Date.now() - 2 * 3600_000),
      ttlSeconds: 3600,
    });
    expect(await verifyAuthorization(`Bearer ${expired}`, key)).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'the token has expired',
    });
  });

  it('refuses a token signed with another key', async () => {
    const other = mintToken(new Uint8Array(randomBytes(32)), { userId: 'mallory', roles: ['admin'] });
    expect(await verifyAuthorization(`Bearer ${other}`, key)).toMatchObject({
      ok: false,
      detail: 'the token signature is invalid',
    });
  });

  it('refuses a token whose payload was altered', async () => {
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'alice', 'cognito:groups': ['admin'], exp: 9999999999 }),
    ).toString('base64url');
    expect((await verifyAuthorization(`Bearer ${header}.${forged}.${signature}`, key)).ok).toBe(false);
  });

  it('refuses unsigned (alg none) tokens', async () => {
    const payload = { sub: 'x', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: 9999999999 };
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    expect((await verifyAuthorization(none, key)).ok).toBe(false);
  });
});

describe('signing key file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is created once with mode 0600 and read back by every caller, even racing ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdesk-key-'));
    dirs.push(dir);
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateSigningKey(join(dir, 'state'))),
    );
    for (const k of keys) expect(Buffer.from(k).equals(Buffer.from(keys[0]!))).toBe(true);
    expect(keys[0]!.length).toBe(32);
    const file = join(dir, 'state', SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(keys[0]!).toString('base64url'));
  });
});

describe('npm run token arguments', () => {
  it('parses user, roles and options', () => {
    expect(
      parseTokenArgs([
        'alice',
        'requester',
        'agent',
        '--email',
        'a@example.com',
        '--name',
        'Alice',
        '--ttl',
        '30m',
      ]),
    ).toEqual({
      kind: 'token',
      request: {
        userId: 'alice',
        roles: ['requester', 'agent'],
        email: 'a@example.com',
        name: 'Alice',
        ttlSeconds: 1800,
      },
    });
  });

  it('rejects unknown roles, a missing role and bad options', () => {
    expect(parseTokenArgs(['alice', 'superuser'])).toEqual({
      kind: 'error',
      message: 'unknown role(s): superuser',
    });
    expect(parseTokenArgs(['alice'])).toMatchObject({ kind: 'error' });
    expect(parseTokenArgs([])).toMatchObject({ kind: 'error' });
    expect(parseTokenArgs(['alice', 'agent', '--bogus'])).toMatchObject({ kind: 'error' });
    expect(parseTokenArgs(['alice', 'agent', '--ttl', 'soon'])).toMatchObject({ kind: 'error' });
    expect(parseTokenArgs(['alice', 'agent', '--unverified'])).toEqual({
      kind: 'error',
      message: '--unverified needs --email',
    });
  });

  it('--unverified mints an email the token does not vouch for', () => {
    expect(parseTokenArgs(['bob', 'requester', '--email', 'a@example.com', '--unverified'])).toMatchObject({
      kind: 'token',
      request: { userId: 'bob', email: 'a@example.com', emailVerified: false },
    });
  });

  it('reads durations', () => {
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('2h')).toBe(7200);
    expect(parseTtl('7d')).toBe(604800);
    expect(parseTtl('0')).toBeUndefined();
    expect(parseTtl('-1h')).toBeUndefined();
  });
});
