import { createHash } from 'node:crypto';

/**
 * One person across channels (docs/api.md#one-person-across-channels): a person per normalised
 * email address, with an id every channel derives the same way, without a lookup. The mail gateway
 * makes a sender the requester of the tickets their mail opens under this id; a token caller is
 * that person too when their token vouches for the address (a verified email claim), and only then.
 */

/** Ids of people, as opposed to the ids an identity provider gives its users (`sub`), which never take this prefix. */
export const PERSON_ID_PREFIX = 'person:';

/** Record ids are at most 128 characters (the API's `identifier`). */
const MAX_ID_LENGTH = 128;

/** Comparison form of an address: trimmed, lower case, no surrounding angle brackets or quotes. */
export function normaliseEmail(address: string): string {
  return address
    .trim()
    .replace(/^<|>$/g, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
}

/**
 * The person id of an address: `person:<normalised address>`, or, when that would be longer than
 * an id may be, `person:sha256:<hex>` of the normalised address (never a cut address, which two
 * people could share).
 */
export function personIdOf(address: string): string {
  const email = normaliseEmail(address);
  const plain = `${PERSON_ID_PREFIX}${email}`;
  if (plain.length <= MAX_ID_LENGTH) return plain;
  return `${PERSON_ID_PREFIX}sha256:${createHash('sha256').update(email).digest('hex')}`;
}

/**
 * The id mail-created tickets carried before people had ids of their own: the normalised address
 * (the gateway cut it to 128 characters; a longer address gets none, so that a cut one never
 * matches two people).
 */
export function legacyPersonIdOf(address: string): string | undefined {
  const email = normaliseEmail(address);
  return email.length <= MAX_ID_LENGTH ? email : undefined;
}

/** Whether an identity-provider user id falls in the namespace of person ids (such a token is refused). */
export function isReservedUserId(id: string): boolean {
  return id.startsWith(PERSON_ID_PREFIX);
}

/** The claims that decide whether a token's email address is the caller's. */
export interface EmailClaims {
  readonly email?: unknown;
  readonly email_verified?: unknown;
  readonly iss?: unknown;
}

/**
 * The address a token vouches for, if any: the `email` claim when `email_verified` is true, or when
 * the token comes from an issuer the stack declares as verifying every address it puts in tokens
 * (`emailVerifyingIssuers`) and says nothing else. `email_verified: false` is never overridden.
 * Claims reach the function as API Gateway gives them (booleans as the strings "true" and "false").
 */
export function verifiedEmailOf(
  claims: EmailClaims,
  verifyingIssuers: readonly string[],
): string | undefined {
  const { email } = claims;
  if (typeof email !== 'string' || !plausibleAddress(email)) return undefined;
  const flag = claims.email_verified;
  if (flag === true || flag === 'true') return email;
  if (flag !== undefined && flag !== null && flag !== '') return undefined;
  return typeof claims.iss === 'string' && verifyingIssuers.includes(claims.iss) ? email : undefined;
}

/**
 * The person ids a verified address makes the caller: the person id, then the address itself,
 * which tickets opened by mail before person ids existed name as their requester.
 */
export function personIdsOf(verifiedEmail: string): string[] {
  const legacy = legacyPersonIdOf(verifiedEmail);
  return [personIdOf(verifiedEmail), ...(legacy ? [legacy] : [])];
}

function plausibleAddress(address: string): boolean {
  const email = normaliseEmail(address);
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 && !/[\s\p{Cc}]/u.test(email);
}

/** Records people the first time a channel sees them (the people directory, docs/email.md#people). */
export interface PersonSightings {
  sighted(person: { readonly email: string; readonly name: string | null }): Promise<void>;
}

/**
 * Sightings remembered per container: each person is recorded once per container (and again
 * after `capacity` others), so a caller's requests cost at most one directory write per container.
 */
export function rememberedSightings(inner: PersonSightings, capacity = 10_000): PersonSightings {
  const seen = new Set<string>();
  return {
    async sighted(person) {
      const key = normaliseEmail(person.email);
      if (seen.has(key)) return;
      await inner.sighted(person);
      if (seen.size >= capacity) seen.clear();
      seen.add(key);
    },
  };
}
