import type { RouteContract } from '../../shared/http/route-contract.js';
import { ticketSchema } from '../../tickets/http/schemas.js';
import {
  applyKnownErrorBody,
  createKnownErrorBody,
  knownErrorPage,
  knownErrorSchema,
  listKnownErrorsQuery,
  suggestionList,
  updateKnownErrorBody,
} from './schemas.js';

/** Known errors and their use on incidents (the problems function; docs/problems.md). */
export const PROBLEMS_CONTRACT = {
  'POST /known-errors': {
    summary: 'Record a known error (KE-000001): a cause with its workaround',
    description:
      'Agents and admins. `workaround` is required; CI ids must exist and not be retired (422 `unknown_ci` / `retired_ci` at `ciIds.<index>`) unless `cmdb.strictCiIds` is off. A `published` error is suggested on new incidents matching its CIs, services or error codes.',
    body: createKnownErrorBody,
    success: { status: 201, schema: knownErrorSchema, headers: ['Location', 'ETag'] },
    errors: [422],
  },
  'GET /known-errors': {
    summary: 'List known errors, newest first, filtered by CI, service, error code, status or problem',
    description:
      'Agents, approvers and admins see all; requesters only published errors marked `public` (whatever they filter on).',
    query: listKnownErrorsQuery,
    success: { status: 200, schema: knownErrorPage },
  },
  'GET /known-errors/{id}': {
    summary: 'Read a known error',
    description:
      'Agents, approvers and admins; requesters only a published `public` one (any other is 404 to them).',
    success: { status: 200, schema: knownErrorSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PATCH /known-errors/{id}': {
    summary: 'Change a known error: its texts, CIs, services, codes, or status (draft → published → retired)',
    description:
      'Agents and admins. A status move off the lifecycle is 409 `invalid_transition`; new CI ids are checked as on create. `usage` is read-only.',
    body: updateKnownErrorBody,
    success: { status: 200, schema: knownErrorSchema, headers: ['ETag'] },
    errors: [404, 409, 412, 422],
  },
  'GET /tickets/{id}/known-errors': {
    summary: "An incident's known error suggestions, best first (at most 5)",
    description:
      'Agents and admins. The published errors matched when the incident was created (a CI 3 points, an affected service 2, an error code 2), still published, with their workaround.',
    success: { status: 200, schema: suggestionList },
    errors: [404],
  },
  'POST /tickets/{id}/known-errors/{keId}/apply': {
    summary:
      'Apply a known error to an incident: its workaround as a comment, linked caused_by its problem, optionally resolved',
    description:
      "Agents and admins. Adds the workaround as a comment of the given visibility, links the incident `caused_by` the error's problem (if any, and not linked yet), and with `resolve: true` resolves it with code `workaround`. Usage counters follow within seconds. A service request or problem is 409 `not_an_incident`.",
    body: applyKnownErrorBody,
    success: { status: 200, schema: ticketSchema, headers: ['ETag'] },
    errors: [404, 409],
  },
} as const satisfies Record<string, RouteContract>;
