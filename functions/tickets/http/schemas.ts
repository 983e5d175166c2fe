import * as z from 'zod/mini';
import { MAX_QUERY_LENGTH } from '../../search/analysis.js';
import {
  described,
  groupId,
  historyEntrySchema,
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
  CANCEL_REASONS,
  CASCADE_MODES,
  FEEDBACK_STATUSES,
  HOLD_REASONS,
  INVERSE_LINK,
  LINK_TYPES,
  RESOLUTION_CODES,
  SERVICE_ID_SOURCES,
  SERVICE_IMPACTS,
  SETTABLE_HOLD_REASONS,
  TASK_STATUSES,
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

/**
 * What a ticket's `links` hold: both sides of ticket-to-ticket links, `affects` for each CI, and
 * `caused_by_change` for the change that caused an incident.
 */
const STORED_LINK_TYPES = [
  ...Object.keys(INVERSE_LINK),
  'affects',
  'caused_by_change',
] as TicketLink['type'][] as [TicketLink['type'], ...TicketLink['type'][]];

const person = z.object({ id: z.string(), email: z.nullable(z.string()), name: z.nullable(z.string()) });

const SERVICE_IMPACT_INPUT =
  'incidents only, agents and admins only: `outage` when the incident takes its services down (counted against their availability, docs/ticket-metrics.md#service-impact); null: none. On another type: 400 at `serviceImpact`';

/** Read-only, agents only: what the reports measure (docs/ticket-metrics.md#metrics). */
const ticketMetricsSchema = withMeta(
  z.object({
    acknowledgedAt: described(
      z.nullable(isoTime),
      'the first of: leaving `new`, an assignee set, the first public agent comment, an alert acknowledge (catalog requests: also a fulfilment task taken up); null until then',
    ),
    firstResolvedAt: described(z.nullable(isoTime), 'the first resolution; kept through reopens'),
    reopenCount: described(z.int().check(z.gte(0)), 'moves from `resolved` back to `in_progress`'),
    groupChanges: described(z.int().check(z.gte(0)), 'changes of `group` after its first non-null group'),
    agentPublicReplies: described(z.int().check(z.gte(0)), 'public comments by agents and admins'),
    requesterFollowUps: described(
      z.int().check(z.gte(0)),
      'public comments by the requester after creation, by API or mail',
    ),
    fcr: described(
      z.nullable(z.boolean()),
      'first-contact resolution, decided at resolution: true when reopenCount, groupChanges and requesterFollowUps are 0 and agentPublicReplies ≤ 1; null while open, for problems and for alert tickets',
    ),
  }),
  { id: 'TicketMetrics' },
);

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
    serviceImpact: described(z.optional(z.nullable(z.enum(SERVICE_IMPACTS))), SERVICE_IMPACT_INPUT),
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
      holdReason: z.optional(z.enum(SETTABLE_HOLD_REASONS)),
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
      knownErrorId: described(
        z.optional(
          z.string().check(z.regex(/^KE-\d{6,}$/, { message: 'must be a known error id such as KE-000001' })),
        ),
        'problems moving to `known_error`: an existing known error (docs/problems.md#problems)',
      ),
      workaround: described(
        z.optional(z.string().check(z.minLength(1), z.maxLength(65_536))),
        'problems moving to `known_error`: the same write publishes a known error with this workaround',
      ),
      cascade: described(
        z.optional(z.enum(CASCADE_MODES)),
        'problems moving to `resolved`: `none` (default), `awaiting_problem` (its incidents on hold awaiting it) or `all_open` (its open caused_by incidents)',
      ),
      serviceImpact: described(z.optional(z.nullable(z.enum(SERVICE_IMPACTS))), SERVICE_IMPACT_INPUT),
      alert: described(
        z.optional(z.strictObject({ autoResolve: z.boolean() })),
        'alert incidents only, agents and admins only: `{autoResolve: false}` keeps the incident open when its alert clears (docs/alerts.md#rules); on another ticket: 400 at `alert`',
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

/** A queue parameter as sent; functions/tickets/queue.ts parses it (400 naming the parameter). */
const queueParam = z.string().check(z.maxLength(2048));

export const listTicketsQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    q: described(
      z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_QUERY_LENGTH))),
      'full-text search over title, description, comments and mail subjects (internal comments for staff only): every word must match (stemmed, accents ignored); ticket ids and email addresses match exactly; results are ranked by relevance, narrowed by the other filters (docs/search.md)',
    ),
    type: described(
      z.optional(queueParam),
      `only tickets of these types (comma-separated, up to 10): ${TICKET_TYPES.join(', ')}`,
    ),
    status: described(
      z.optional(queueParam),
      `only tickets in these statuses (comma-separated, up to 10): ${TICKET_STATUSES.join(', ')}`,
    ),
    priority: described(
      z.optional(queueParam),
      'only tickets of these priorities, 1 (P1, highest) to 5, e.g. `1,2`',
    ),
    assignee: described(
      z.optional(queueParam),
      'only tickets assigned to these user ids; `none`: unassigned (comma-separated, up to 10)',
    ),
    group: described(
      z.optional(queueParam),
      'only tickets of these groups; `none`: in no group (comma-separated, up to 10)',
    ),
    requester: described(
      z.optional(identifier),
      "only tickets requested by this user id (a requester's own lists ignore it: they only ever see theirs)",
    ),
    ciId: described(z.optional(identifier), 'only tickets affecting this CI'),
    source: described(z.optional(queueParam), 'only tickets from these channels: api, email, alert'),
    serviceId: described(z.optional(queueParam), 'only tickets whose primary service is one of these'),
    createdFrom: described(
      z.optional(queueParam),
      'only tickets created at or after this instant (ISO 8601, UTC)',
    ),
    createdTo: described(
      z.optional(queueParam),
      'only tickets created at or before this instant; not before `createdFrom`',
    ),
    updatedSince: described(z.optional(queueParam), 'only tickets updated at or after this instant'),
    slaBreached: described(
      z.optional(queueParam),
      '`true`: only tickets with a breached SLA clock; `false`: none',
    ),
    sort: described(
      z.optional(queueParam),
      'newest (default), oldest (created), updated (last updated first), priority (P1 first, then oldest), sla (next SLA due time first, overdue ones before; none due last)',
    ),
    view: described(
      z.optional(identifier),
      'agents: apply this saved view (its filters and sort; parameters sent alongside are 400)',
    ),
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
      targetId: described(
        identifier,
        'a ticket id, a CI id for `affects`, or a change id for `caused_by_change` (incidents only; the change lists it as `causes_incident`)',
      ),
    })
    .check(
      z.superRefine((body, ctx) => {
        if (body.type === 'caused_by_change') {
          if (!/^CHG-\d{6,}$/.test(body.targetId)) {
            ctx.addIssue({
              code: 'custom',
              path: ['targetId'],
              message: 'must be a change id such as CHG-000042',
            });
          }
        } else if (body.type !== 'affects' && !ticketId.safeParse(body.targetId).success) {
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
      { type: 'caused_by_change', targetId: 'CHG-000012' },
    ],
  },
);

export const requestApprovalSchema = withMeta(
  z.object({
    group: z.string(),
    decision: z.nullable(z.enum(['approve', 'reject'])),
    approver: z.nullable(z.string()),
    comment: z.nullable(z.string()),
    decidedAt: z.nullable(isoTime),
  }),
  { id: 'RequestApproval' },
);

export const requestTaskSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    groupId: z.string(),
    after: z.array(z.string()),
    instructions: z.nullable(z.string()),
    status: z.enum(TASK_STATUSES),
    assignee: z.nullable(z.string()),
    notes: z.nullable(z.string()),
  }),
  { id: 'RequestTask' },
);

/** A ticket's satisfaction survey (docs/csat.md); the same shape on the ticket and in CSAT answers. */
export const ticketFeedbackSchema = withMeta(
  z.object({
    status: z.enum(FEEDBACK_STATUSES),
    rating: z.nullable(z.int().check(z.gte(1), z.lte(5))),
    comment: z.nullable(z.string()),
    answeredAt: z.nullable(isoTime),
    expiresAt: isoTime,
  }),
  { id: 'TicketFeedback' },
);

/** The alert behind an alert incident (docs/alerts.md#the-alert-block-on-the-incident). */
export const ticketAlertSchema = withMeta(
  z.object({
    integrationId: z.string(),
    dedupKey: z.string(),
    state: z.enum(['firing', 'resolved']),
    fireCount: described(
      z.int().check(z.gte(0)),
      'fires (re-notifications excluded), as of the last write of the incident',
    ),
    notificationCount: described(
      z.int().check(z.gte(0)),
      'deliveries of this alert, as of the last write of the incident',
    ),
    firstFiredAt: z.nullable(isoTime),
    lastFiredAt: z.nullable(isoTime),
    clearedAt: z.nullable(isoTime),
    acknowledgedAt: z.nullable(isoTime),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    labels: z.record(z.string(), z.string()),
    generatorUrl: z.nullable(z.string()),
    unmapped: described(
      z.boolean(),
      'no CI or service was found for the alert (docs/alerts.md#what-is-read)',
    ),
    flapping: z.boolean(),
    flapQuietUntil: z.nullable(isoTime),
    autoResolve: described(z.boolean(), 'agents may turn it off: PATCH `{alert: {autoResolve: false}}`'),
  }),
  { id: 'TicketAlert' },
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
          'both sides of ticket-to-ticket links (the target holds the inverse), `affects` for each CI, and `caused_by_change` naming a change (which lists the incident as `causes_incident`)',
        ),
        targetId: z.string(),
      }),
    ),
    suggestedKnownErrors: described(
      z.optional(
        z.array(
          z.object({
            id: z.string(),
            score: z.int(),
            matchedOn: z.array(
              z.union([
                z.object({ ciId: z.string() }),
                z.object({ serviceId: z.string() }),
                z.object({ errorCode: z.string() }),
              ]),
            ),
          }),
        ),
      ),
      'read-only, agents only: published known errors matching the incident at creation, best first (at most 5)',
    ),
    knownErrorId: described(
      z.optional(z.nullable(z.string())),
      'problems: the known error recording the workaround; null otherwise',
    ),
    cascade: described(
      z.optional(
        z.nullable(
          z.object({
            mode: z.enum(CASCADE_MODES),
            pending: z.array(z.string()),
            skipped: z.array(z.string()),
          }),
        ),
      ),
      'problems: the cascade its last resolution asked for: incidents being resolved (`pending`) and those left as they were (`skipped`); null otherwise',
    ),
    catalogItem: described(
      z.nullable(z.object({ id: z.string(), version: z.int() })),
      'a catalog request: its item, pinned at the version submitted against (docs/catalog.md#requests); null otherwise',
    ),
    form: described(
      z.nullable(z.record(z.string(), z.unknown())),
      "a catalog request's form as submitted; null otherwise",
    ),
    approvals: described(
      z.array(requestApprovalSchema),
      "a catalog request's approvals, one per group; empty when none is needed",
    ),
    approvalTerms: described(
      z.nullable(
        z.object({
          policy: z.enum(['all', 'any']),
          escalateAt: isoTime,
          expireAt: isoTime,
          escalatedAt: z.nullable(isoTime),
        }),
      ),
      'policy and due times of `approvals`; null when there are none',
    ),
    tasks: described(
      z.array(requestTaskSchema),
      "a catalog request's fulfilment tasks (GET /tickets/{id}/tasks); empty otherwise",
    ),
    cancelReason: described(
      z.nullable(z.enum(CANCEL_REASONS)),
      'why the ticket was cancelled automatically (an approval rejected or expired); null otherwise',
    ),
    serviceImpact: described(
      z.nullable(z.enum(SERVICE_IMPACTS)),
      'incidents: `outage` when the incident takes its services down (set by agents; critical alert incidents start as `outage`); null otherwise',
    ),
    metrics: described(
      z.optional(ticketMetricsSchema),
      'read-only, agents, approvers and admins only (requesters never get it): what the reports measure (docs/ticket-metrics.md#metrics)',
    ),
    alert: described(
      z.optional(z.nullable(ticketAlertSchema)),
      'read-only, alert incidents only, agents, approvers and admins only (requesters never get it): the alert behind the incident; counters as of its last write (docs/alerts.md#the-alert-block-on-the-incident)',
    ),
    feedback: described(
      z.optional(z.nullable(ticketFeedbackSchema)),
      'read-only: the satisfaction survey of the latest resolution and its answer (docs/csat.md); null until a survey is issued',
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

export const historySchema = historyEntrySchema(
  ['created', 'updated', 'commented', 'linked', 'sla'],
  'HistoryEntry',
);

export const ticketPage = pageOf(ticketSchema, 'TicketPage');
export const commentPage = pageOf(commentSchema, 'CommentPage');
export const historyPage = pageOf(historySchema, 'HistoryPage');

export const ticketCountsQuery = withMeta(
  z.strictObject({
    by: described(
      z.string().check(z.maxLength(64)),
      'the dimension counted: status, group, priority or assignee',
    ),
    status: described(
      z.optional(z.string().check(z.maxLength(2048))),
      'count only tickets in these statuses (comma-separated)',
    ),
    group: described(
      z.optional(z.string().check(z.maxLength(2048))),
      'count only tickets of these groups; `none`: in no group',
    ),
    priority: described(
      z.optional(z.string().check(z.maxLength(2048))),
      'count only tickets of these priorities',
    ),
    assignee: described(
      z.optional(z.string().check(z.maxLength(2048))),
      'count only tickets of these assignees; `none`: unassigned',
    ),
  }),
  { id: 'TicketCountsQuery' },
);

export const ticketCountsSchema = withMeta(
  z.object({
    by: z.enum(['status', 'group', 'priority', 'assignee']),
    buckets: described(
      z.array(z.object({ value: z.string(), count: z.int() })),
      'one per bucket (`none` for no group or assignee); statuses and priorities all listed, groups and assignees only those with tickets, largest first',
    ),
    total: z.int(),
  }),
  { id: 'TicketCounts' },
);

const viewQuery = described(
  z.record(z.string().check(z.minLength(1), z.maxLength(32)), z.string().check(z.maxLength(2048))),
  'the queue parameters of GET /tickets (status, group, assignee, priority, sort, …) as strings; each is checked as GET /tickets checks it (400 at `query.<name>`)',
);

export const viewBody = withMeta(
  z.strictObject({
    name: singleLine(100, 1),
    group: described(
      z.optional(z.nullable(groupId)),
      'share with this group (you must be a member, unless an admin); null or absent: personal',
    ),
    query: viewQuery,
  }),
  {
    id: 'SavedViewInput',
    examples: [
      {
        name: 'Unassigned P1–P2 incidents, next breach first',
        group: 'service-desk',
        query: { type: 'incident', priority: '1,2', assignee: 'none', group: 'service-desk', sort: 'sla' },
      },
    ],
  },
);

export const viewSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    owner: z.string(),
    group: z.nullable(z.string()),
    query: z.record(z.string(), z.string()),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().check(z.gte(1)),
  }),
  { id: 'SavedView' },
);

export const listViewsQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    group: described(
      z.optional(groupId),
      "the views shared with this group (members and admins); absent: the caller's own",
    ),
  }),
  { id: 'ListViewsQuery' },
);

export const viewPage = pageOf(viewSchema, 'SavedViewPage');
