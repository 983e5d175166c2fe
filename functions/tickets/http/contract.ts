import type { RouteContract } from '../../shared/http/route-contract.js';
import { pageOnlyQuery } from '../../shared/http/schemas.js';
import { slaReportQuery, slaReportSchema } from '../../sla/http/schemas.js';
import {
  addCommentBody,
  addLinkBody,
  commentPage,
  commentSchema,
  createTicketBody,
  historyPage,
  listTicketsQuery,
  listViewsQuery,
  ticketCountsQuery,
  ticketCountsSchema,
  ticketPage,
  ticketSchema,
  updateTicketBody,
  viewBody,
  viewPage,
  viewSchema,
} from './schemas.js';

/** Tickets, comments, history, links and the SLA report (the tickets function). */
export const TICKETS_CONTRACT = {
  'POST /tickets': {
    summary: 'Create a ticket',
    description:
      "Files an incident, service request or problem. Everyone with a role files for themself; agents and admins may file on someone's behalf (`requester`) and set `source: alert`. `impact` and `urgency` default to 3, and `priority` is impact + urgency − 1 (P1 … P5); the first matching SLA policy starts the ticket's clocks. `ciIds` must name CIs of the CMDB that are not retired (422 `unknown_ci` / `retired_ci` at `ciIds.<index>`, unless `cmdb.strictCiIds` is off) and `serviceId` a live service (422 `service_not_live`); `affectedServices` lists the services they affect, and a ticket naming no service takes the one its CIs affect when there is exactly one. Without `group` it goes to its most critical CI's support group, else its service's, else the default group. Answers the ticket with `Location` and `ETag`.",
    body: createTicketBody,
    success: { status: 201, schema: ticketSchema, headers: ['Location', 'ETag'] },
    errors: [409, 422],
  },
  'GET /tickets': {
    summary: 'List tickets: agent queues (requesters see only their own)',
    description:
      'Tickets filtered by any combination of the query parameters (several values per filter comma-separated, up to 10; `assignee=none` and `group=none` for unassigned and ungrouped; date ranges; `slaBreached`) in the order `sort` names (default newest first). Each page is one indexed read per filter value, merged, plus at most one batch read (docs/api.md#lists-and-pagination); an unknown value, more than 10 values, a reversed date range or an unknown sort is 400 naming the parameter. `view` applies a saved view (agents). Requesters get only the tickets they requested, whatever they pass. Follow `nextCursor` (with the same query) until it is null; a cursor from another query is 400; a page may hold fewer than `limit` items.',
    query: listTicketsQuery,
    success: { status: 200, schema: ticketPage },
    errors: [404],
  },
  'GET /tickets/counts': {
    summary: 'Live queue counts by status, group, priority or assignee',
    description:
      'Agents, approvers and admins (requesters 403). How many tickets are in each bucket of `by`, optionally within the values of one other dimension (`by=status&group=net`, several values summed). Counters are kept exactly from the table stream within moments of each write; a read costs one item per bucket and filter value (docs/api.md#queue-counts).',
    query: ticketCountsQuery,
    success: { status: 200, schema: ticketCountsSchema },
  },
  'GET /views': {
    summary: "Saved views: the caller's own, or those shared with a group",
    description:
      "Agents and admins. Without `group`, the caller's own views (personal and shared), newest first; with `group`, the views shared with it (members of the group and admins; 404 for an unknown group).",
    query: listViewsQuery,
    success: { status: 200, schema: viewPage },
    errors: [404],
  },
  'POST /views': {
    summary: 'Save a view (named filters and sort over GET /tickets)',
    description:
      'Agents and admins. `query` holds GET /tickets parameters, checked as GET /tickets checks them (400 at `query.<name>`). `group` shares it with a group the caller belongs to (admins: any). Apply it with `GET /tickets?view=<id>`. Answers the view with `Location` and `ETag`.',
    body: viewBody,
    success: { status: 201, schema: viewSchema, headers: ['Location', 'ETag'] },
  },
  'GET /views/{id}': {
    summary: 'Read a saved view',
    description: 'Its owner, members of the group it is shared with, and admins; anyone else gets 404.',
    success: { status: 200, schema: viewSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /views/{id}': {
    summary: 'Replace a saved view',
    description:
      'Its owner or an admin (other readers 403). Replaces name, group and query; `If-Match` with its `ETag` guards against a concurrent change (412).',
    body: viewBody,
    success: { status: 200, schema: viewSchema, headers: ['ETag'] },
    errors: [404, 412],
  },
  'DELETE /views/{id}': {
    summary: 'Delete a saved view',
    description: 'Its owner or an admin (other readers 403). 204.',
    success: { status: 204 },
    errors: [404],
  },
  'GET /tickets/{id}': {
    summary: 'Read a ticket',
    description:
      'The ticket with its SLA clocks and links. Its requester, agents, approvers and admins may read it; anyone else gets 404, exactly as for a ticket that does not exist. `ETag` is its version, for `If-Match` on PATCH.',
    success: { status: 200, schema: ticketSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PATCH /tickets/{id}': {
    summary: 'Update, assign or transition a ticket',
    description:
      'Changes the fields sent. Agents and admins change any field, assign (`assignee`, `group`), name the service (`serviceId`, a live one, else 422 `service_not_live`; it re-selects the SLA policy as a priority change does) and transition (`status`; moving `on_hold` needs `holdReason`, `resolved` needs `resolution`; a move the lifecycle forbids is 409 `invalid_transition` with `from`, `to` and `allowed`). New `ciIds` must be in the CMDB and not retired (422 `unknown_ci` / `retired_ci`, unless `cmdb.strictCiIds` is off); changing `ciIds` or `serviceId` recomputes `affectedServices`. A requester edits `title` and `description` while the ticket is `new` and reopens it when `resolved`; approvers may read but not edit (403). Without `If-Match` a lost race is re-applied on the server, so no concurrent change is lost.',
    body: updateTicketBody,
    success: { status: 200, schema: ticketSchema, headers: ['ETag'] },
    errors: [404, 409, 412, 422, 503],
  },
  'POST /tickets/{id}/comments': {
    summary: 'Comment on a ticket (public or internal)',
    description:
      "Adds a public comment or an internal note (agents and admins only). A requester comments publicly on their own tickets; approvers may not comment (403). Closed and cancelled tickets take internal notes only (409 `ticket_closed`). A requester's public comment on a ticket on hold awaiting the customer moves it back to `in_progress`; the first public comment from someone other than the requester meets the first-response clock.",
    body: addCommentBody,
    success: { status: 201, schema: commentSchema, headers: ['Location'] },
    errors: [404, 409, 422, 503],
  },
  'GET /tickets/{id}/comments': {
    summary: 'Comments, oldest first',
    description:
      "The ticket's comments, oldest first, for whoever may read the ticket; requesters never see internal notes.",
    query: pageOnlyQuery,
    success: { status: 200, schema: commentPage },
    errors: [404],
  },
  'GET /tickets/{id}/history': {
    summary: 'History entries, oldest first',
    description:
      "Every change to the ticket, oldest first: who, when, `changes: [{field, from, to}]` and the events it produced. Agents, approvers and admins only; the ticket's requester gets 403.",
    query: pageOnlyQuery,
    success: { status: 200, schema: historyPage },
    errors: [404],
  },
  'POST /tickets/{id}/links': {
    summary: 'Link a ticket to another ticket or a CI',
    description:
      'Agents and admins only (403 for everyone else, before the ticket is read). `duplicate_of`, `caused_by`, `parent_of`, `child_of` and `relates_to` link two tickets and are stored on both, the target getting the inverse; `affects` adds a CI to `ciIds` (one the CMDB knows and has not retired, else 422 `unknown_ci` / `retired_ci` at `targetId`, unless `cmdb.strictCiIds` is off). Answers the updated source ticket. A ticket keeps at most 100 links and 20 CIs, and a parent chain may not loop (409 with a specific `code`).',
    body: addLinkBody,
    success: { status: 201, schema: ticketSchema, headers: ['ETag'] },
    errors: [404, 409, 422, 503],
  },
  'GET /reports/sla': {
    summary: 'SLA compliance per priority for tickets created in [from, to)',
    description:
      'SLA compliance per priority for tickets created in `[from, to)` (at most 366 days): totals, met, breached, compliance in percent, and mean and p90 business minutes to first response and to resolution. Agents, approvers and admins. `truncated` is true beyond 10,000 tickets.',
    query: slaReportQuery,
    success: { status: 200, schema: slaReportSchema },
  },
} as const satisfies Record<string, RouteContract>;
