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
  ticketPage,
  ticketSchema,
  updateTicketBody,
} from './schemas.js';

/** Tickets, comments, history, links and the SLA report (the tickets function). */
export const TICKETS_CONTRACT = {
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
    errors: [404, 409, 412, 503],
  },
  'POST /tickets/{id}/comments': {
    summary: 'Comment on a ticket (public or internal)',
    body: addCommentBody,
    success: { status: 201, schema: commentSchema, headers: ['Location'] },
    errors: [404, 409, 422, 503],
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
    errors: [404, 409, 422, 503],
  },
  'GET /reports/sla': {
    summary: 'SLA compliance per priority for tickets created in [from, to)',
    query: slaReportQuery,
    success: { status: 200, schema: slaReportSchema },
  },
} as const satisfies Record<string, RouteContract>;
