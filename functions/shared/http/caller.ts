import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Caller, ROLES, type Role } from '../authz.js';

/**
 * The caller from the JWT authorizer's claims. API Gateway passes an array claim such as
 * `cognito:groups` as the string "[agent admin]"; OIDC providers may send a JSON array or a
 * comma list. All three forms are read; names that are not Opsdesk roles are ignored.
 */
export function callerFromEvent(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  groupsClaim: string,
): Caller | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || sub.length === 0) return undefined;
  return {
    id: sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    name: typeof claims.name === 'string' ? claims.name : null,
    roles: new Set(parseRoles(claims[groupsClaim])),
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
