/**
 * The HTTP routes, declared once. The CDK API construct adds one API Gateway route per entry and
 * points it at the entry's function; the local server matches requests against the same list; the
 * OpenAPI document is generated from it. Paths use API Gateway's `{param}` syntax.
 */
export type FunctionName =
  | 'public'
  | 'tickets'
  | 'attachments'
  | 'admin'
  | 'changes'
  | 'cmdb'
  | 'alerts'
  | 'catalog'
  | 'problems'
  | 'reports'
  | 'csat';

export interface RouteDefinition {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** The bounded-context Lambda that serves the route. */
  readonly function: FunctionName;
  /** false only for the routes that take no token (docs/api.md#authentication-and-roles). */
  readonly authenticated: boolean;
  readonly operationId: string;
  /** The OpenAPI tag when it is not the serving function's (a report another function serves). */
  readonly tag?: FunctionName;
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
    path: '/tickets/counts',
    function: 'tickets',
    authenticated: true,
    operationId: 'countTickets',
  },
  { method: 'GET', path: '/views', function: 'tickets', authenticated: true, operationId: 'listViews' },
  { method: 'POST', path: '/views', function: 'tickets', authenticated: true, operationId: 'createView' },
  { method: 'GET', path: '/views/{id}', function: 'tickets', authenticated: true, operationId: 'getView' },
  { method: 'PUT', path: '/views/{id}', function: 'tickets', authenticated: true, operationId: 'putView' },
  {
    method: 'DELETE',
    path: '/views/{id}',
    function: 'tickets',
    authenticated: true,
    operationId: 'deleteView',
  },
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
  {
    method: 'POST',
    path: '/tickets/{id}/attachments',
    function: 'attachments',
    authenticated: true,
    operationId: 'createAttachment',
  },
  {
    method: 'GET',
    path: '/tickets/{id}/attachments',
    function: 'attachments',
    authenticated: true,
    operationId: 'listAttachments',
  },
  { method: 'GET', path: '/groups', function: 'admin', authenticated: true, operationId: 'listGroups' },
  { method: 'GET', path: '/groups/{id}', function: 'admin', authenticated: true, operationId: 'getGroup' },
  { method: 'PUT', path: '/groups/{id}', function: 'admin', authenticated: true, operationId: 'putGroup' },
  { method: 'GET', path: '/calendars', function: 'admin', authenticated: true, operationId: 'listCalendars' },
  {
    method: 'GET',
    path: '/calendars/{id}',
    function: 'admin',
    authenticated: true,
    operationId: 'getCalendar',
  },
  {
    method: 'PUT',
    path: '/calendars/{id}',
    function: 'admin',
    authenticated: true,
    operationId: 'putCalendar',
  },
  {
    method: 'GET',
    path: '/sla-policies',
    function: 'admin',
    authenticated: true,
    operationId: 'listSlaPolicies',
  },
  {
    method: 'GET',
    path: '/sla-policies/{id}',
    function: 'admin',
    authenticated: true,
    operationId: 'getSlaPolicy',
  },
  {
    method: 'PUT',
    path: '/sla-policies/{id}',
    function: 'admin',
    authenticated: true,
    operationId: 'putSlaPolicy',
  },
  {
    method: 'GET',
    path: '/mail-outcomes',
    function: 'admin',
    authenticated: true,
    operationId: 'listMailOutcomes',
  },
  {
    method: 'GET',
    path: '/reports/sla',
    function: 'tickets',
    authenticated: true,
    operationId: 'getSlaReport',
  },
  {
    method: 'POST',
    path: '/changes',
    function: 'changes',
    authenticated: true,
    operationId: 'createChange',
  },
  {
    method: 'GET',
    path: '/changes',
    function: 'changes',
    authenticated: true,
    operationId: 'listChanges',
  },
  {
    method: 'GET',
    path: '/changes/{id}',
    function: 'changes',
    authenticated: true,
    operationId: 'getChange',
  },
  {
    method: 'GET',
    path: '/changes/{id}/history',
    function: 'changes',
    authenticated: true,
    operationId: 'listChangeHistory',
  },
  {
    method: 'POST',
    path: '/changes/{id}/submit',
    function: 'changes',
    authenticated: true,
    operationId: 'submitChange',
  },
  {
    method: 'POST',
    path: '/changes/{id}/approvals',
    function: 'changes',
    authenticated: true,
    operationId: 'decideApproval',
  },
  {
    method: 'POST',
    path: '/changes/{id}/implementation',
    function: 'changes',
    authenticated: true,
    operationId: 'reportImplementation',
  },
  {
    method: 'POST',
    path: '/changes/{id}/review',
    function: 'changes',
    authenticated: true,
    operationId: 'reviewChange',
  },
  {
    method: 'POST',
    path: '/changes/{id}/cancel',
    function: 'changes',
    authenticated: true,
    operationId: 'cancelChange',
  },
  {
    method: 'GET',
    path: '/freeze-windows',
    function: 'changes',
    authenticated: true,
    operationId: 'listFreezeWindows',
  },
  {
    method: 'GET',
    path: '/freeze-windows/{id}',
    function: 'changes',
    authenticated: true,
    operationId: 'getFreezeWindow',
  },
  {
    method: 'PUT',
    path: '/freeze-windows/{id}',
    function: 'changes',
    authenticated: true,
    operationId: 'putFreezeWindow',
  },
  { method: 'GET', path: '/cis', function: 'cmdb', authenticated: true, operationId: 'listCis' },
  { method: 'GET', path: '/cis/{id}', function: 'cmdb', authenticated: true, operationId: 'getCi' },
  { method: 'PUT', path: '/cis/{id}', function: 'cmdb', authenticated: true, operationId: 'putCi' },
  {
    method: 'GET',
    path: '/cis/{id}/history',
    function: 'cmdb',
    authenticated: true,
    operationId: 'listCiHistory',
  },
  {
    method: 'GET',
    path: '/cis/{id}/relationships',
    function: 'cmdb',
    authenticated: true,
    operationId: 'listCiRelationships',
  },
  {
    method: 'POST',
    path: '/cis/{id}/relationships',
    function: 'cmdb',
    authenticated: true,
    operationId: 'addCiRelationship',
  },
  {
    method: 'DELETE',
    path: '/cis/{id}/relationships/{type}/{target}',
    function: 'cmdb',
    authenticated: true,
    operationId: 'removeCiRelationship',
  },
  {
    method: 'GET',
    path: '/cis/{id}/impact',
    function: 'cmdb',
    authenticated: true,
    operationId: 'getCiImpact',
  },
  {
    method: 'POST',
    path: '/impact-analysis',
    function: 'cmdb',
    authenticated: true,
    operationId: 'analyseImpact',
  },
  {
    method: 'GET',
    path: '/ci-relationship-types',
    function: 'cmdb',
    authenticated: true,
    operationId: 'listCiRelationshipTypes',
  },
  { method: 'GET', path: '/ci-classes', function: 'cmdb', authenticated: true, operationId: 'listCiClasses' },
  {
    method: 'PUT',
    path: '/ci-classes/{id}',
    function: 'cmdb',
    authenticated: true,
    operationId: 'putCiClass',
  },
  { method: 'GET', path: '/services', function: 'cmdb', authenticated: true, operationId: 'listServices' },
  { method: 'GET', path: '/services/{id}', function: 'cmdb', authenticated: true, operationId: 'getService' },
  { method: 'PUT', path: '/services/{id}', function: 'cmdb', authenticated: true, operationId: 'putService' },
  {
    method: 'POST',
    path: '/services/{id}/dependencies',
    function: 'cmdb',
    authenticated: true,
    operationId: 'addServiceDependencies',
  },
  // A report served by the CMDB, which keeps its data (docs/reports.md#disaster-recovery-posture).
  {
    method: 'GET',
    path: '/reports/dr-posture',
    function: 'cmdb',
    tag: 'reports',
    authenticated: true,
    operationId: 'getDrPostureReport',
  },
  {
    method: 'GET',
    path: '/integrations',
    function: 'alerts',
    authenticated: true,
    operationId: 'listIntegrations',
  },
  {
    method: 'GET',
    path: '/integrations/{id}',
    function: 'alerts',
    authenticated: true,
    operationId: 'getIntegration',
  },
  {
    method: 'PUT',
    path: '/integrations/{id}',
    function: 'alerts',
    authenticated: true,
    operationId: 'putIntegration',
  },
  {
    method: 'POST',
    path: '/integrations/{id}/secret',
    function: 'alerts',
    authenticated: true,
    operationId: 'rotateIntegrationSecret',
  },
  // The service catalog, and the catalog's side of service requests (docs/catalog.md#routes).
  {
    method: 'GET',
    path: '/catalog/items',
    function: 'catalog',
    authenticated: true,
    operationId: 'listCatalogItems',
  },
  {
    method: 'GET',
    path: '/catalog/items/{id}',
    function: 'catalog',
    authenticated: true,
    operationId: 'getCatalogItem',
  },
  {
    method: 'PUT',
    path: '/catalog/items/{id}',
    function: 'catalog',
    authenticated: true,
    operationId: 'putCatalogItem',
  },
  {
    method: 'POST',
    path: '/catalog/items/{id}/requests',
    function: 'catalog',
    authenticated: true,
    operationId: 'submitCatalogRequest',
  },
  {
    method: 'POST',
    path: '/tickets/{id}/approvals',
    function: 'catalog',
    authenticated: true,
    operationId: 'decideRequestApproval',
  },
  {
    method: 'GET',
    path: '/tickets/{id}/tasks',
    function: 'catalog',
    authenticated: true,
    operationId: 'listRequestTasks',
  },
  {
    method: 'PATCH',
    path: '/tickets/{id}/tasks/{stepId}',
    function: 'catalog',
    authenticated: true,
    operationId: 'updateRequestTask',
  },
  // Alert intake: integration credentials instead of a token (docs/alerts.md#sending-alerts).
  {
    method: 'POST',
    path: '/alerts/v2/enqueue',
    function: 'alerts',
    authenticated: false,
    operationId: 'enqueuePagerDutyEvent',
  },
  {
    method: 'POST',
    path: '/alerts/{integrationId}',
    function: 'alerts',
    authenticated: false,
    operationId: 'receiveAlerts',
  },
  // Known errors (docs/problems.md).
  {
    method: 'POST',
    path: '/known-errors',
    function: 'problems',
    authenticated: true,
    operationId: 'createKnownError',
  },
  {
    method: 'GET',
    path: '/known-errors',
    function: 'problems',
    authenticated: true,
    operationId: 'listKnownErrors',
  },
  {
    method: 'GET',
    path: '/known-errors/{id}',
    function: 'problems',
    authenticated: true,
    operationId: 'getKnownError',
  },
  {
    method: 'PATCH',
    path: '/known-errors/{id}',
    function: 'problems',
    authenticated: true,
    operationId: 'updateKnownError',
  },
  {
    method: 'GET',
    path: '/tickets/{id}/known-errors',
    function: 'problems',
    authenticated: true,
    operationId: 'listKnownErrorSuggestions',
  },
  {
    method: 'POST',
    path: '/tickets/{id}/known-errors/{keId}/apply',
    function: 'problems',
    authenticated: true,
    operationId: 'applyKnownError',
  },
  // Customer satisfaction (docs/csat.md): the survey links take no JWT (the token is the credential).
  {
    method: 'GET',
    path: '/settings/csat',
    function: 'csat',
    authenticated: true,
    operationId: 'getCsatSettings',
  },
  {
    method: 'PUT',
    path: '/settings/csat',
    function: 'csat',
    authenticated: true,
    operationId: 'putCsatSettings',
  },
  {
    method: 'GET',
    path: '/surveys/{token}',
    function: 'csat',
    authenticated: false,
    operationId: 'getSurvey',
  },
  {
    method: 'POST',
    path: '/surveys/{token}',
    function: 'csat',
    authenticated: false,
    operationId: 'answerSurvey',
  },
  {
    method: 'POST',
    path: '/tickets/{id}/feedback',
    function: 'csat',
    authenticated: true,
    operationId: 'giveFeedback',
  },
  {
    method: 'GET',
    path: '/tickets/{id}/feedback',
    function: 'csat',
    authenticated: true,
    operationId: 'getFeedback',
  },
  // Continual-improvement reports (docs/reports.md).
  {
    method: 'GET',
    path: '/reports/incidents',
    function: 'reports',
    authenticated: true,
    operationId: 'getIncidentReport',
  },
  {
    method: 'GET',
    path: '/reports/changes',
    function: 'reports',
    authenticated: true,
    operationId: 'getChangeReport',
  },
  {
    method: 'GET',
    path: '/reports/csat',
    function: 'reports',
    authenticated: true,
    operationId: 'getCsatReport',
  },
  {
    method: 'GET',
    path: '/reports/backlog',
    function: 'reports',
    authenticated: true,
    operationId: 'getBacklogReport',
  },
  {
    method: 'GET',
    path: '/reports/availability',
    function: 'reports',
    authenticated: true,
    operationId: 'getAvailabilityReport',
  },
  {
    method: 'POST',
    path: '/reports/rebuild',
    function: 'reports',
    authenticated: true,
    operationId: 'rebuildReports',
  },
];

/** API Gateway's route key for a route, e.g. `GET /tickets/{id}`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
