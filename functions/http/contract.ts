import { z } from 'zod';
import { groupPage, groupSchema, putGroupBody } from './schemas/groups.js';
import {
  addCommentBody,
  addLinkBody,
  commentPage,
  commentSchema,
  createTicketBody,
  historyPage,
  listTicketsQuery,
  pageOnlyQuery,
  ticketPage,
  ticketSchema,
  updateTicketBody,
} from './schemas/tickets.js';

/**
 * Per route: the request schemas the handler validates with and the success response the OpenAPI
 * document promises. Handlers spread these into their operations, so the document cannot describe
 * a schema the code does not enforce.
 */
export interface RouteContract {
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly success: {
    readonly status: number;
    readonly schema?: z.ZodType;
    readonly headers?: readonly string[];
  };
  /** Client-error statuses this route can answer besides 400/401/403. */
  readonly errors?: readonly number[];
}

const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const CONTRACT = {
  'GET /health': { summary: 'Liveness', success: { status: 200, schema: healthSchema } },
  'GET /openapi.json': { summary: 'This OpenAPI 3.1 document', success: { status: 200 } },
  'POST /tickets': {
    summary: 'Create a ticket',
    body: createTicketBody,
    success: { status: 201, schema: ticketSchema, headers: ['Location', 'ETag'] },
    errors: [409, 422],
  },
  'GET /tickets': {
    summary: 'List tickets (requesters see only their own)',
    query: listTicketsQuery,
    success: { status: 200, schema: ticketPage },
  },
  'GET /tickets/{id}': {
    summary: 'Read a ticket',
    success: { status: 200, schema: ticketSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PATCH /tickets/{id}': {
    summary: 'Update, assign or transition a ticket',
    body: updateTicketBody,
    success: { status: 200, schema: ticketSchema, headers: ['ETag'] },
    errors: [404, 409, 412],
  },
  'POST /tickets/{id}/comments': {
    summary: 'Comment on a ticket (public or internal)',
    body: addCommentBody,
    success: { status: 201, schema: commentSchema, headers: ['Location'] },
    errors: [404, 409, 422],
  },
  'GET /tickets/{id}/comments': {
    summary: 'Comments, oldest first',
    query: pageOnlyQuery,
    success: { status: 200, schema: commentPage },
    errors: [404],
  },
  'GET /tickets/{id}/history': {
    summary: 'History entries, oldest first',
    query: pageOnlyQuery,
    success: { status: 200, schema: historyPage },
    errors: [404],
  },
  'POST /tickets/{id}/links': {
    summary: 'Link a ticket to another ticket or a CI',
    body: addLinkBody,
    success: { status: 201, schema: ticketSchema, headers: ['ETag'] },
    errors: [404, 409, 422],
  },
  'GET /groups': {
    summary: 'List groups',
    query: pageOnlyQuery,
    success: { status: 200, schema: groupPage },
  },
  'GET /groups/{id}': {
    summary: 'Read a group',
    success: { status: 200, schema: groupSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /groups/{id}': {
    summary: 'Create or replace a group (201 when created)',
    body: putGroupBody,
    success: { status: 200, schema: groupSchema, headers: ['ETag'] },
    errors: [412],
  },
} as const satisfies Record<string, RouteContract>;

export type ContractKey = keyof typeof CONTRACT;
