/**
 * The HTTP routes, declared once. The CDK API construct adds one API Gateway route per entry and
 * points it at the entry's function; the local server matches requests against the same list; the
 * OpenAPI document is generated from it. Paths use API Gateway's `{param}` syntax.
 */
export type FunctionName = 'public' | 'tickets' | 'admin';

export interface RouteDefinition {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** The bounded-context Lambda that serves the route. */
  readonly function: FunctionName;
  /** false only for the routes SPEC §4 lists with role "none". */
  readonly authenticated: boolean;
  readonly operationId: string;
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', function: 'public', authenticated: false, operationId: 'getHealth' },
  {
    method: 'GET',
    path: '/openapi.json',
    function: 'public',
    authenticated: false,
    operationId: 'getOpenApi',
  },
  { method: 'POST', path: '/tickets', function: 'tickets', authenticated: true, operationId: 'createTicket' },
  { method: 'GET', path: '/tickets', function: 'tickets', authenticated: true, operationId: 'listTickets' },
  {
    method: 'GET',
    path: '/tickets/{id}',
    function: 'tickets',
    authenticated: true,
    operationId: 'getTicket',
  },
  {
    method: 'PATCH',
    path: '/tickets/{id}',
    function: 'tickets',
    authenticated: true,
    operationId: 'updateTicket',
  },
  {
    method: 'POST',
    path: '/tickets/{id}/comments',
    function: 'tickets',
    authenticated: true,
    operationId: 'addComment',
  },
  {
    method: 'GET',
    path: '/tickets/{id}/comments',
    function: 'tickets',
    authenticated: true,
    operationId: 'listComments',
  },
  {
    method: 'GET',
    path: '/tickets/{id}/history',
    function: 'tickets',
    authenticated: true,
    operationId: 'listHistory',
  },
  {
    method: 'POST',
    path: '/tickets/{id}/links',
    function: 'tickets',
    authenticated: true,
    operationId: 'addLink',
  },
  { method: 'GET', path: '/groups', function: 'admin', authenticated: true, operationId: 'listGroups' },
  { method: 'GET', path: '/groups/{id}', function: 'admin', authenticated: true, operationId: 'getGroup' },
  { method: 'PUT', path: '/groups/{id}', function: 'admin', authenticated: true, operationId: 'putGroup' },
];

/** API Gateway's route key for a route, e.g. `GET /tickets/{id}`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
