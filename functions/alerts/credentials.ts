import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../shared/errors.js';
import { SECRET_OVERLAP_MS, type StoredSecret } from './model.js';

/**
 * Integration secrets (docs/alerts.md#credentials): shown once, kept as SHA-256 digests, compared
 * in constant time. A rotated-out secret keeps working until its `validUntil` (24 h).
 */

/** A new secret: 32 random bytes, hex (the length PagerDuty routing keys have). */
export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

export function digestOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time: compares digests of equal length, whatever the candidate's length. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The stored secrets still valid at `now` (the current one and any within its overlap). */
export function validSecrets(stored: readonly StoredSecret[], now: Date): StoredSecret[] {
  return stored.filter((entry) => entry.validUntil === null || Date.parse(entry.validUntil) > now.getTime());
}

/** Whether `secret` is one of the integration's valid secrets at `now` (every one is compared). */
export function secretMatches(stored: readonly StoredSecret[], secret: string, now: Date): boolean {
  const candidate = digestOf(secret);
  let match = false;
  for (const entry of stored) {
    const valid = entry.validUntil === null || Date.parse(entry.validUntil) > now.getTime();
    // No early exit: the time taken does not tell which entry matched.
    if (sameDigest(entry.digest, candidate) && valid) match = true;
  }
  return match;
}

/** The secrets after a rotation: the current one ends in 24 h, expired ones are dropped. */
export function rotated(stored: readonly StoredSecret[], fresh: StoredSecret, now: Date): StoredSecret[] {
  const until = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
  const kept = stored
    .filter((entry) => entry.validUntil === null || Date.parse(entry.validUntil) > now.getTime())
    .map((entry) => (entry.validUntil === null ? { ...entry, validUntil: until } : entry));
  return [fresh, ...kept];
}

/** The secret a request presents: `Authorization: Bearer <s>` or Basic with it as the password. */
export function presentedSecret(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * 401 for every credential fault alike: missing, wrong, expired, or an integration that does not
 * exist (the same type, title and detail, so ids cannot be probed).
 */
export class IntakeUnauthorizedError extends DomainError {
  readonly status = 401;
  constructor() {
    super('unauthorized', 'missing or invalid integration credentials');
  }
}

/** 403: the integration exists, the credentials are right, and it is switched off. */
export class IntegrationDisabledError extends DomainError {
  readonly status = 403;
  constructor(id: string) {
    super('integration_disabled', `integration ${id} is disabled`);
  }
}
