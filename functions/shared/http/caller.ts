import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Caller, ROLES, type Role } from '../authz.js';
import { isReservedUserId, personIdsOf, verifiedEmailOf } from '../people.js';

/**
 * The caller from the JWT authorizer's claims. API Gateway passes an array claim such as
 * `cognito:groups` as the string "[agent admin]"; OIDC providers may send a JSON array or a
 * comma list. All three forms are read; names that are not Opsdesk roles are ignored.
 *
 * The caller is also the person of their email address when the token vouches for it
 * (`verifiedEmailOf`: `email_verified`, or an issuer in `emailVerifyingIssuers`); an unverified
 * address makes them nobody but themself. A `sub` in the namespace of person ids is no caller.
 */
export function callerFromEvent(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  groupsClaim: string,
  emailVerifyingIssuers: readonly string[] = [],
): Caller | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || sub.length === 0 || isReservedUserId(sub)) return undefined;
  const verified = verifiedEmailOf(claims, emailVerifyingIssuers);
  return {
    id: sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    name: typeof claims.name === 'string' ? claims.name : null,
    roles: new Set(parseRoles(claims[groupsClaim])),
    ...(verified ? { personIds: personIdsOf(verified) } : {}),
  };
}

export function parseRoles(claim: unknown): Role[] {
  const names: unknown[] = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return names.filter((name): name is Role => (ROLES as readonly unknown[]).includes(name));
}
