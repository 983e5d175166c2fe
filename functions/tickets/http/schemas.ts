import * as z from 'zod/mini';
import {
  described,
  groupId,
  identifier,
  isoTime,
  longText,
  pageOf,
  pageQuery,
  personInput,
  withMeta,
} from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import { ticketSlaSchema } from '../../sla/http/schemas.js';
import {
  HOLD_REASONS,
  INVERSE_LINK,
  LINK_TYPES,
  RESOLUTION_CODES,
  SERVICE_ID_SOURCES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type TicketLink,
} from '../model.js';
import type { Level } from '../priority.js';

// Typed as the domain's 1 | 2 | 3 while staying a plain integer schema in the OpenAPI document.
const level = z.int().check(z.gte(1), z.lte(3)) as unknown as z.ZodMiniType<Level>;
const title = singleLine(200, 1);
const ticketId = z
  .string()
  .check(z.regex(/^(INC|REQ|PRB)-\d{6,}$/, { message: 'must be a ticket id such as INC-000042' }));
const ciIds = z.array(identifier).check(z.maxLength(20));
const resolution = z.strictObject({
  code: z.enum(RESOLUTION_CODES),
  notes: z.pipe(longText, z.string().check(z.minLength(1))),
});

/** What a ticket's `links` hold: both sides of ticket-to-ticket links, and `affects` for each CI. */
const STORED_LINK_TYPES = [...Object.keys(INVERSE_LINK), 'affects'] as TicketLink['type'][] as [
  TicketLink['type'],
  ...TicketLink['type'][],
];

const person = z.object({ id: z.string(), email: z.nullable(z.string()), name: z.nullable(z.string()) });

export const createTicketBody = withMeta(
  z.strictObject({
    type: z.enum(TICKET_TYPES),
    title,
    description: z.optional(longText),
    impact: z.optional(level),
    urgency: z.optional(level),
    category: z.optional(z.nullable(identifier)),
    ciIds: described(
      z.optional(ciIds),
      'CIs the ticket affects; each must be in the CMDB and not retired (422 `unknown_ci` / `retired_ci`) unless `cmdb.strictCiIds` is off',
    ),
    serviceId: described(
      z.optional(identifier),
      'the primary service, a live one (else 422 `service_not_live`); without it, the one service the CIs affect, if exactly one',
    ),
    assignee: z.optional(z.nullable(identifier)),
    group: z.optional(z.nullable(groupId)),
    requester: described(
      z.optional(personInput),
      'agents and admins only: file the ticket on behalf of someone',
    ),
    source: described(z.optional(z.enum(['api', 'alert'])), 'agents and admins only'),
  }),
  {
    id: 'CreateTicket',
    examples: [
      { type: 'incident', title: 'VPN down', description: 'Since 9:00, all of sales', impact: 2, urgency: 1 },
    ],
  },
);

export const updateTicketBody = withMeta(
  z
    .strictObject({
      title: z.optional(title),
      description: z.optional(longText),
      impact: z.optional(level),
      urgency: z.optional(level),
      status: z.optional(z.enum(TICKET_STATUSES)),
      holdReason: z.optional(z.enum(HOLD_REASONS)),
      resolution: z.optional(resolution),
      assignee: z.optional(z.nullable(identifier)),
      group: z.optional(z.nullable(groupId)),
      category: z.optional(z.nullable(identifier)),
      ciIds: described(
        z.optional(ciIds),
        'replaces the CIs; new ones must be in the CMDB and not retired unless `cmdb.strictCiIds` is off',
      ),
      serviceId: described(
        z.optional(z.nullable(identifier)),
        'agents and admins only: the primary service, a live one (else 422 `service_not_live`); null clears it',
      ),
    })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' })),
  {
    id: 'UpdateTicket',
    examples: [
      { assignee: 'ann', group: 'service-desk', status: 'in_progress' },
      { status: 'on_hold', holdReason: 'awaiting_customer' },
      { status: 'resolved', resolution: { code: 'fixed', notes: 'Rolled the gateway certificate' } },
    ],
  },
);

export const listTicketsQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    type: described(z.optional(z.enum(TICKET_TYPES)), 'only tickets of this type'),
    status: described(z.optional(z.enum(TICKET_STATUSES)), 'only tickets in this status'),
    priority: described(
      z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(5))),
      'only tickets of this priority, 1 (P1, highest) to 5',
    ),
    assignee: described(z.optional(identifier), 'only tickets assigned to this user id'),
    group: described(z.optional(groupId), 'only tickets assigned to this group'),
    requester: described(
      z.optional(identifier),
      "only tickets requested by this user id (a requester's own lists ignore it: they only ever see theirs)",
    ),
    ciId: described(z.optional(identifier), 'only tickets affecting this CI'),
  }),
  { id: 'ListTicketsQuery' },
);

export const addCommentBody = withMeta(
  z.strictObject({
    body: z.pipe(longText, z.string().check(z.trim(), z.minLength(1))),
    visibility: z.optional(z.enum(['public', 'internal'])),
  }),
  { id: 'AddComment', examples: [{ body: 'Which VPN client version do you run?', visibility: 'public' }] },
);

export const addLinkBody = withMeta(
  z
    .strictObject({
      type: z.enum(LINK_TYPES),
      targetId: described(identifier, 'a ticket id, or a CI id for `affects`'),
    })
    .check(
      z.superRefine((body, ctx) => {
        if (body.type !== 'affects' && !ticketId.safeParse(body.targetId).success) {
          ctx.addIssue({
            code: 'custom',
            path: ['targetId'],
            message: 'must be a ticket id such as INC-000042',
          });
        }
      }),
    ),
  {
    id: 'AddLink',
    examples: [
      { type: 'caused_by', targetId: 'PRB-000007' },
      { type: 'affects', targetId: 'vpn-gateway-1' },
    ],
  },
);

export const ticketSchema = withMeta(
  z.object({
    id: ticketId,
    type: z.enum(TICKET_TYPES),
    title: z.string(),
    description: z.string(),
    status: z.enum(TICKET_STATUSES),
    holdReason: z.nullable(z.enum(HOLD_REASONS)),
    impact: level,
    urgency: level,
    priority: z.int().check(z.gte(1), z.lte(5)),
    requester: person,
    assignee: z.nullable(z.string()),
    group: z.nullable(z.string()),
    category: z.nullable(z.string()),
    ciIds: z.array(z.string()),
    serviceId: described(z.nullable(z.string()), 'the primary service; null when none'),
    serviceIdSource: described(
      z.nullable(z.enum(SERVICE_ID_SOURCES)),
      'how `serviceId` was chosen: named (`manual`), taken from the CIs (`ci`), by an alert or a catalog item; null when there is no service',
    ),
    affectedServices: described(
      z.array(z.object({ id: z.string(), name: z.string() })),
      "read-only: the services the ticket affects, its CIs' service closures plus `serviceId`, computed when either is written",
    ),
    unknownCiIds: described(
      z.array(z.string()),
      'read-only: ids in `ciIds` the CMDB did not know when they were written (only ever non-empty with `cmdb.strictCiIds` off)',
    ),
    source: z.enum(['api', 'email', 'alert']),
    createdAt: isoTime,
    updatedAt: isoTime,
    resolvedAt: z.nullable(isoTime),
    closedAt: z.nullable(isoTime),
    resolution: z.nullable(resolution),
    autoCloseAt: described(z.nullable(isoTime), 'when a resolved ticket closes by itself'),
    sla: described(
      z.nullable(ticketSlaSchema),
      'SLA clocks (docs/sla.md#clocks-on-the-ticket); null when no policy applies',
    ),
    links: z.array(
      z.object({
        type: described(
          z.enum(STORED_LINK_TYPES),
          'both sides of ticket-to-ticket links (the target holds the inverse), and `affects` for each CI',
        ),
        targetId: z.string(),
      }),
    ),
    version: z.int().check(z.gte(1)),
  }),
  { id: 'Ticket' },
);

export const commentSchema = withMeta(
  z.object({
    id: z.string(),
    ticketId,
    body: z.string(),
    visibility: z.enum(['public', 'internal']),
    author: person,
    createdAt: isoTime,
    attachments: z.array(z.unknown()),
  }),
  { id: 'Comment' },
);

export const historySchema = withMeta(
  z.object({
    id: z.string(),
    recordId: z.string(),
    at: isoTime,
    actor: z.object({ id: z.string(), name: z.nullable(z.string()) }),
    action: z.enum(['created', 'updated', 'commented', 'linked', 'sla']),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    events: z.array(z.object({ detailType: z.string(), detail: z.record(z.string(), z.unknown()) })),
  }),
  { id: 'HistoryEntry' },
);

export const ticketPage = pageOf(ticketSchema, 'TicketPage');
export const commentPage = pageOf(commentSchema, 'CommentPage');
export const historyPage = pageOf(historySchema, 'HistoryPage');
