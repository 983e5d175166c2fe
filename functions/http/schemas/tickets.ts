import * as z from 'zod';
import {
  HOLD_REASONS,
  LINK_TYPES,
  RESOLUTION_CODES,
  TICKET_STATUSES,
  TICKET_TYPES,
} from '../../domain/tickets/model.js';
import type { Level } from '../../domain/tickets/priority.js';
import { groupId, identifier, isoTime, longText, pageOf, pageQuery, personInput } from './common.js';
import { ticketSlaSchema } from './sla.js';

// Typed as the domain's 1 | 2 | 3 while staying a plain integer schema in the OpenAPI document.
const level = z.int().min(1).max(3) as unknown as z.ZodType<Level>;
const title = z.string().trim().min(1).max(200);
const ticketId = z
  .string()
  .regex(/^(INC|REQ|PRB)-\d{6,}$/, { message: 'must be a ticket id such as INC-000042' });
const ciIds = z.array(identifier).max(20);
const resolution = z.strictObject({
  code: z.enum(RESOLUTION_CODES),
  notes: longText.pipe(z.string().min(1)),
});
const person = z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() });

export const createTicketBody = z
  .strictObject({
    type: z.enum(TICKET_TYPES),
    title,
    description: longText.optional(),
    impact: level.optional(),
    urgency: level.optional(),
    category: identifier.nullable().optional(),
    ciIds: ciIds.optional(),
    assignee: identifier.nullable().optional(),
    group: groupId.nullable().optional(),
    requester: personInput
      .optional()
      .describe('agents and admins only: file the ticket on behalf of someone'),
    source: z.enum(['api', 'alert']).optional().describe('agents and admins only'),
  })
  .meta({ id: 'CreateTicket' });

export const updateTicketBody = z
  .strictObject({
    title: title.optional(),
    description: longText.optional(),
    impact: level.optional(),
    urgency: level.optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    holdReason: z.enum(HOLD_REASONS).optional(),
    resolution: resolution.optional(),
    assignee: identifier.nullable().optional(),
    group: groupId.nullable().optional(),
    category: identifier.nullable().optional(),
    ciIds: ciIds.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'UpdateTicket' });

export const listTicketsQuery = z
  .strictObject({
    ...pageQuery,
    type: z.enum(TICKET_TYPES).optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.coerce.number().int().min(1).max(5).optional(),
    assignee: identifier.optional(),
    group: groupId.optional(),
    requester: identifier.optional(),
    ciId: identifier.optional(),
  })
  .meta({ id: 'ListTicketsQuery' });

export const addCommentBody = z
  .strictObject({
    body: longText.pipe(z.string().trim().min(1)),
    visibility: z.enum(['public', 'internal']).optional(),
  })
  .meta({ id: 'AddComment' });

export const addLinkBody = z
  .strictObject({
    type: z.enum(LINK_TYPES),
    targetId: identifier.describe('a ticket id, or a CI id for `affects`'),
  })
  .superRefine((body, ctx) => {
    if (body.type !== 'affects' && !ticketId.safeParse(body.targetId).success) {
      ctx.addIssue({ code: 'custom', path: ['targetId'], message: 'must be a ticket id such as INC-000042' });
    }
  })
  .meta({ id: 'AddLink' });

export const ticketSchema = z
  .object({
    id: ticketId,
    type: z.enum(TICKET_TYPES),
    title: z.string(),
    description: z.string(),
    status: z.enum(TICKET_STATUSES),
    holdReason: z.enum(HOLD_REASONS).nullable(),
    impact: level,
    urgency: level,
    priority: z.int().min(1).max(5),
    requester: person,
    assignee: z.string().nullable(),
    group: z.string().nullable(),
    category: z.string().nullable(),
    ciIds: z.array(z.string()),
    source: z.enum(['api', 'email', 'alert']),
    createdAt: isoTime,
    updatedAt: isoTime,
    resolvedAt: isoTime.nullable(),
    closedAt: isoTime.nullable(),
    resolution: resolution.nullable(),
    autoCloseAt: isoTime.nullable().describe('when a resolved ticket closes by itself'),
    sla: ticketSlaSchema.nullable().describe('SLA clocks (SPEC §5); null when no policy applies'),
    links: z.array(z.object({ type: z.string(), targetId: z.string() })),
    version: z.int().min(1),
  })
  .meta({ id: 'Ticket' });

export const commentSchema = z
  .object({
    id: z.string(),
    ticketId,
    body: z.string(),
    visibility: z.enum(['public', 'internal']),
    author: person,
    createdAt: isoTime,
    attachments: z.array(z.unknown()),
  })
  .meta({ id: 'Comment' });

export const historySchema = z
  .object({
    id: z.string(),
    recordId: z.string(),
    at: isoTime,
    actor: z.object({ id: z.string(), name: z.string().nullable() }),
    action: z.enum(['created', 'updated', 'commented', 'linked', 'sla']),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    events: z.array(z.object({ detailType: z.string(), detail: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'HistoryEntry' });

export const ticketPage = pageOf(ticketSchema, 'TicketPage');
export const commentPage = pageOf(commentSchema, 'CommentPage');
export const historyPage = pageOf(historySchema, 'HistoryPage');
