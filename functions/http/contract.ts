import * as z from 'zod';
import { attachmentList, createAttachmentBody, uploadGrantSchema } from './schemas/attachments.js';
import {
  cancelChangeBody,
  changeHistoryPage,
  changePage,
  changeSchema,
  createChangeBody,
  decideApprovalBody,
  freezeWindowPage,
  freezeWindowSchema,
  listChangesQuery,
  putFreezeWindowBody,
  reportImplementationBody,
  reviewChangeBody,
} from './schemas/changes.js';
import { groupPage, groupSchema, putGroupBody } from './schemas/groups.js';
import {
  calendarList,
  calendarSchema,
  policyList,
  policySchema,
  putCalendarBody,
  putPolicyBody,
  slaReportQuery,
  slaReportSchema,
} from './schemas/sla.js';
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
  'POST /tickets/{id}/attachments': {
    summary: 'Announce a file and get a presigned upload URL for it',
    body: createAttachmentBody,
    success: { status: 201, schema: uploadGrantSchema, headers: ['Location'] },
    errors: [404, 409, 422],
  },
  'GET /tickets/{id}/attachments': {
    summary: "A ticket's files, with presigned download URLs",
    success: { status: 200, schema: attachmentList },
    errors: [404],
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
  'GET /calendars': {
    summary: 'List business-hours calendars',
    success: { status: 200, schema: calendarList },
  },
  'GET /calendars/{id}': {
    summary: 'Read a calendar',
    success: { status: 200, schema: calendarSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /calendars/{id}': {
    summary: 'Create or replace a calendar (201 when created; 24x7 is read-only)',
    body: putCalendarBody,
    success: { status: 200, schema: calendarSchema, headers: ['ETag'] },
    errors: [409, 412],
  },
  'GET /sla-policies': {
    summary: 'List SLA policies by order',
    success: { status: 200, schema: policyList },
  },
  'GET /sla-policies/{id}': {
    summary: 'Read an SLA policy',
    success: { status: 200, schema: policySchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /sla-policies/{id}': {
    summary: 'Create or replace an SLA policy (201 when created)',
    body: putPolicyBody,
    success: { status: 200, schema: policySchema, headers: ['ETag'] },
    errors: [412],
  },
  'GET /reports/sla': {
    summary: 'SLA compliance per priority for tickets created in [from, to)',
    query: slaReportQuery,
    success: { status: 200, schema: slaReportSchema },
  },
  'POST /changes': {
    summary: 'Submit a change: saved, then assessed and approved by its Step Functions workflow',
    body: createChangeBody,
    success: { status: 201, schema: changeSchema, headers: ['Location', 'ETag'] },
    errors: [409, 422, 503],
  },
  'GET /changes': {
    summary: 'List changes, newest first (requesters see only those raised for them)',
    query: listChangesQuery,
    success: { status: 200, schema: changePage },
  },
  'GET /changes/{id}': {
    summary: 'Read a change with its risk, conflicts and approvals',
    success: { status: 200, schema: changeSchema, headers: ['ETag'] },
    errors: [404],
  },
  'GET /changes/{id}/history': {
    summary: 'Every step of the change, oldest first, with who and when',
    query: pageOnlyQuery,
    success: { status: 200, schema: changeHistoryPage },
    errors: [404],
  },
  'POST /changes/{id}/submit': {
    summary: 'Start the workflow of a draft whose start failed',
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 503],
  },
  'POST /changes/{id}/approvals': {
    summary: 'Approve or reject for a group you belong to whose approval is pending',
    body: decideApprovalBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422],
  },
  'POST /changes/{id}/implementation': {
    summary: 'Report the implementation outcome of an implementing change',
    body: reportImplementationBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422],
  },
  'POST /changes/{id}/review': {
    summary: 'Record the post-implementation review; the workflow then closes the change',
    body: reviewChangeBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422],
  },
  'POST /changes/{id}/cancel': {
    summary: 'Cancel a change that has not started implementing',
    body: cancelChangeBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422],
  },
  'GET /freeze-windows': {
    summary: 'List freeze windows by start',
    query: pageOnlyQuery,
    success: { status: 200, schema: freezeWindowPage },
  },
  'GET /freeze-windows/{id}': {
    summary: 'Read a freeze window',
    success: { status: 200, schema: freezeWindowSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /freeze-windows/{id}': {
    summary: 'Create or replace a freeze window (201 when created)',
    body: putFreezeWindowBody,
    success: { status: 200, schema: freezeWindowSchema, headers: ['ETag'] },
    errors: [412],
  },
} as const satisfies Record<string, RouteContract>;

export type ContractKey = keyof typeof CONTRACT;
