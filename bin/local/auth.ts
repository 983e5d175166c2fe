import { createHmac } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify } from 'jose';

/**
 * Tokens as the local stack issues and checks them. On AWS an API Gateway JWT authorizer checks the
 * identity provider's token before any Lambda runs; locally the server does the same checks against
 * an HS256 key shared with `npm run token` (signing-key.ts).
 */
export const LOCAL_ISSUER = 'opsdesk-local';
export const LOCAL_AUDIENCE = 'opsdesk';
export const GROUPS_CLAIM = 'cognito:groups';
export const ROLES = ['requester', 'agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface TokenRequest {
  readonly userId: string;
  /** Roles for `cognito:groups`; the CLI validates them, tests may pass anything. */
  readonly roles: readonly string[];
  readonly email?: string;
  /**
   * `email_verified` with an email (default true, as an identity provider that checked the address
   * says): a verified address makes the caller the person of that address
   * (docs/api.md#one-person-across-channels); false mints the token of someone who merely claims it.
   */
  readonly emailVerified?: boolean;
  readonly name?: string;
  readonly ttlSeconds?: number;
  /** Issue time; defaults to now (real time: the authorizer never follows the test clock). */
  readonly issuedAt?: Date;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Signs synchronously (HS256 is one HMAC) so tests can write `runtime.tokenFor('alice', ['agent'])`
 * inline. Verification below uses jose, so a token that is not standard would be caught there.
 */
export function mintToken(key: Uint8Array, request: TokenRequest): string {
  if (!request.userId) throw new Error('userId must not be empty');
  const ttl = request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new Error('ttlSeconds must be a positive number');
  const iat = Math.floor((request.issuedAt ?? new Date()).getTime() / 1000);
  const payload: JWTPayload = {
    sub: request.userId,
    ...(request.email !== undefined && {
      email: request.email,
      email_verified: request.emailVerified ?? true,
    }),
    ...(request.name !== undefined && { name: request.name }),
    [GROUPS_CLAIM]: [...request.roles],
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    iat,
    exp: iat + Math.round(ttl),
  };
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', key).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

export type VerifyResult =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid'; readonly detail: string };

/**
 * The checks API Gateway's JWT authorizer makes: a token is present in the Authorization header
 * (with or without the `Bearer ` prefix, as API Gateway accepts both), its signature verifies, and
 * `iss`, `aud`, `exp` and `nbf` hold against real time.
 */
export async function verifyAuthorization(
  header: string | undefined,
  key: Uint8Array,
): Promise<VerifyResult> {
  const token = header
    ?.trim()
    .replace(/^bearer(\s+|$)/i, '')
    .trim();
  if (!token) return { ok: false, reason: 'missing', detail: 'missing bearer token' };
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    return { ok: true, claims: payload };
  } catch (error) {
    return { ok: false, reason: 'invalid', detail: describeFailure(error) };
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token ${error.claim} claim is invalid`;
  if (error instanceof errors.JOSEError) return 'the token is malformed';
  return 'the token could not be verified';
}

/** The caller's roles from verified claims (groups claim as an array, as in the token). */
export function rolesOf(claims: JWTPayload, groupsClaim: string = GROUPS_CLAIM): string[] {
  const value = claims[groupsClaim];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** RFC 6750 challenge: bare when no token was sent, with the error when one was refused. */
export function bearerChallenge(result: Extract<VerifyResult, { ok: false }>): string {
  if (result.reason === 'missing') return 'Bearer';
  return `Bearer error="invalid_token", error_description="${result.detail}"`;
}
