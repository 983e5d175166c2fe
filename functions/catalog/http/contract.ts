import type { RouteContract } from '../../shared/http/route-contract.js';
import { ticketSchema } from '../../tickets/http/schemas.js';
import {
  catalogItemPage,
  catalogItemSchema,
  decisionBody,
  listCatalogItemsQuery,
  patchTaskBody,
  putCatalogItemBody,
  requestTaskList,
  submitRequestBody,
  taskViewSchema,
} from './schemas.js';

/** The service catalog and request fulfilment (the catalog function; docs/catalog.md). */
export const CATALOG_CONTRACT = {
  'GET /catalog/items': {
    summary: 'List catalog items by id, filtered by service, category or status',
    description:
      'Everyone. Requesters see `published` items of their audience whose service is live (a page may come back short); agents, approvers and admins see every item. One index per query (`serviceId`, else `status`, else all); other filters narrow it.',
    query: listCatalogItemsQuery,
    success: { status: 200, schema: catalogItemPage },
  },
  'GET /catalog/items/{id}': {
    summary: 'Read a catalog item, its form schema included',
    description:
      'Everyone; requesters get 404 for items they do not see (not published, outside their audience, or on a service that is not live).',
    success: { status: 200, schema: catalogItemSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /catalog/items/{id}': {
    creates: true,
    summary: 'Create or replace a catalog item (201 when created)',
    description:
      'Admins. `version` grows by one on every PUT; open requests keep the version they pinned. `formSchema` and `approval.requiredWhen` are JSON Schema 2020-12 within docs/catalog.md#limits: a violation is 400 at its path (`formSchema.properties.tag.pattern`). `fulfilment.steps` form a DAG (≤ 20): an `after` naming no step is 400 at its path, a cycle 400 `step_cycle`. `serviceId` must be live (422 `service_not_live`), every group must exist. Status moves `draft` → `published` → `retired` only (409 `invalid_transition`).',
    body: putCatalogItemBody,
    success: { status: 200, schema: catalogItemSchema, headers: ['ETag'] },
    errors: [409, 412, 422, 503],
  },
  'POST /catalog/items/{id}/requests': {
    summary: 'Submit a service request from a catalog item',
    description:
      "Everyone who sees the item (else 404). `form` is validated against the item's schema, every fault at `form.<path>` (400). Creates a REQ pinned to `catalogItem: {id, version}` with the item's service (`serviceIdSource: catalog`) and defaults; when approval is needed it is `on_hold` / `awaiting_approval` with one pending approval per group, else `in_progress` with its first tasks open. Not published → 409 `catalog_item_not_published`. `requestedFor`: agents and admins only. Answers the ticket with `Location` and `ETag`.",
    body: submitRequestBody,
    success: { status: 201, schema: ticketSchema, headers: ['Location', 'ETag'] },
    errors: [404, 409, 422],
  },
  'POST /tickets/{id}/approvals': {
    summary: "Approve or reject a catalog request for one of the caller's groups",
    description:
      "Approvers (and admins) who are members of a pending approval group. `all` needs every group, `any` the first approval; a rejection cancels the request (`cancelReason: approval_rejected`) and posts the comment publicly. No pending approval for the caller's groups → 409 `approval_not_pending`; their group already decided → 409 `approval_already_decided`; in several pending groups without `group` → 400 at `group`.",
    body: decisionBody,
    success: { status: 200, schema: ticketSchema, headers: ['ETag'] },
    errors: [404, 409],
  },
  'GET /tickets/{id}/tasks': {
    summary: "A catalog request's fulfilment tasks",
    description:
      'Everyone who may read the ticket: agents, approvers and admins get whole tasks, the requester names and statuses. Empty for tickets that are not catalog requests.',
    success: { status: 200, schema: requestTaskList },
    errors: [404],
  },
  'PATCH /tickets/{id}/tasks/{stepId}': {
    summary: 'Work a fulfilment task: status, notes, assignee',
    description:
      'Agents of the task\'s group and admins (others 403). Moves per docs/catalog.md#fulfilment, others 409 `invalid_task_transition` with `allowed`; a task opens when all its `after` steps are done or skipped; when every task is done or skipped the request resolves (`fixed`, "All fulfilment tasks completed") in the same write. `ETag`/`If-Match` are the ticket\'s version.',
    body: patchTaskBody,
    success: { status: 200, schema: taskViewSchema, headers: ['ETag'] },
    errors: [404, 409, 412],
  },
} as const satisfies Record<string, RouteContract>;
