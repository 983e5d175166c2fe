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
import {
  APPROVAL_DECISIONS,
  APPROVAL_STAGES,
  APPROVAL_STATUSES,
  CHANGE_STATUSES,
  CHANGE_TYPES,
  CONFLICT_VIAS,
  IMPLEMENTATION_OUTCOMES,
  RISK_LEVELS,
} from '../model.js';

const title = singleLine(200, 1);
const plan = z.optional(z.nullable(z.pipe(longText, z.string().check(z.trim(), z.minLength(1)))));
const notes = z.pipe(longText, z.string().check(z.trim(), z.minLength(1)));
const person = z.object({ id: z.string(), email: z.nullable(z.string()), name: z.nullable(z.string()) });

export const freezeWindowIdSchema = z.string().check(
  z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: 'must be lowercase letters, digits and hyphens (max 63)',
  }),
);

export const createChangeBody = withMeta(
  z.strictObject({
    type: z.enum(CHANGE_TYPES),
    title,
    description: z.optional(longText),
    ciIds: described(
      z.array(identifier).check(z.minLength(1), z.maxLength(20)),
      'CMDB CI ids; with strict CI ids (the default) each must exist and not be retired (422 unknown_ci / retired_ci)',
    ),
    plannedStart: isoTime,
    plannedEnd: isoTime,
    implementationPlan: described(plan, 'missing plans raise the risk; no backout plan makes it high'),
    backoutPlan: plan,
    approvalGroups: described(
      z.optional(z.array(groupId).check(z.maxLength(10))),
      'normal changes only: every group must approve',
    ),
    requester: described(
      z.optional(personInput),
      'who the change is for (they may read it); the caller by default',
    ),
  }),
  {
    id: 'CreateChange',
    examples: [
      {
        type: 'normal',
        title: 'Upgrade the VPN gateway firmware',
        ciIds: ['vpn-gateway-1'],
        plannedStart: '2030-03-14T22:00:00.000Z',
        plannedEnd: '2030-03-14T23:30:00.000Z',
        implementationPlan: 'Fail over to gateway 2, upgrade gateway 1, fail back.',
        backoutPlan: 'Reinstall the previous firmware image from the config backup.',
        approvalGroups: ['network'],
      },
    ],
  },
);

export const listChangesQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    status: described(z.optional(z.enum(CHANGE_STATUSES)), 'only changes in this status'),
    type: described(z.optional(z.enum(CHANGE_TYPES)), 'only changes of this type'),
    ciId: described(z.optional(identifier), 'only changes to this CI'),
    requester: described(
      z.optional(identifier),
      "only changes raised for this user id (a requester's own lists ignore it: they only ever see theirs)",
    ),
  }),
  { id: 'ListChangesQuery' },
);

export const decideApprovalBody = withMeta(
  z.strictObject({
    decision: z.enum(APPROVAL_DECISIONS),
    comment: z.optional(z.nullable(longText)),
    group: described(
      z.optional(groupId),
      'needed only when you belong to several groups with a pending approval',
    ),
  }),
  { id: 'DecideApproval', examples: [{ decision: 'approve', comment: 'Low-traffic window, fine.' }] },
);

export const reportImplementationBody = withMeta(
  z
    .strictObject({
      outcome: z.enum(IMPLEMENTATION_OUTCOMES),
      notes: described(z.optional(z.nullable(notes)), 'what was done; for a failure, the backout performed'),
    })
    .check(
      z.superRefine((body, ctx) => {
        if (body.outcome !== 'successful' && !body.notes) {
          ctx.addIssue({
            code: 'custom',
            path: ['notes'],
            message: `required when the outcome is ${body.outcome}`,
          });
        }
      }),
    ),
  {
    id: 'ReportImplementation',
    examples: [
      { outcome: 'successful' },
      { outcome: 'failed', notes: 'Firmware refused to boot; rolled back to the previous image.' },
    ],
  },
);

export const reviewChangeBody = withMeta(z.strictObject({ notes }), {
  id: 'ReviewChange',
  examples: [{ notes: 'No incidents in the week after; closing.' }],
});

export const cancelChangeBody = withMeta(z.strictObject({ reason: notes }), {
  id: 'CancelChange',
  examples: [{ reason: 'Vendor withdrew the firmware release.' }],
});

export const putFreezeWindowBody = withMeta(
  z.strictObject({
    name: title,
    start: isoTime,
    end: isoTime,
    reason: z.optional(z.nullable(longText)),
    ciIds: described(
      z.optional(z.array(identifier).check(z.maxLength(100))),
      'CIs frozen; with no serviceIds either, every CI is frozen',
    ),
    serviceIds: described(
      z.optional(z.array(identifier).check(z.maxLength(50))),
      'services frozen: each service and every CI of its closure',
    ),
  }),
  {
    id: 'PutFreezeWindow',
    examples: [
      {
        name: 'Year-end close',
        start: '2030-12-20T00:00:00.000Z',
        end: '2031-01-03T00:00:00.000Z',
        reason: 'Finance closes the books',
        ciIds: ['erp-1', 'erp-db-1'],
      },
    ],
  },
);

const risk = z.object({ level: z.enum(RISK_LEVELS), score: z.int(), reasons: z.array(z.string()) });

const conflict = z.union([
  z.object({
    kind: z.literal('change'),
    changeId: z.string(),
    via: described(
      z.enum(CONFLICT_VIAS),
      'the strongest link to the other change: same_ci > related_ci (one impact edge apart) > shared_service',
    ),
    ciIds: described(z.array(z.string()), 'the CIs both changes name (empty unless via is same_ci)'),
    path: described(
      z.optional(z.tuple([z.string(), z.string()])),
      "related_ci: [this change's CI, the other change's CI], one impact edge apart either way",
    ),
    serviceId: described(
      z.optional(z.string()),
      "shared_service: a live business service both changes' closures list",
    ),
    plannedStart: isoTime,
    plannedEnd: isoTime,
  }),
  z.object({
    kind: z.literal('freeze'),
    freezeWindowId: z.string(),
    name: z.string(),
    start: isoTime,
    end: isoTime,
    blocking: z.boolean(),
  }),
]);

const impactedService = z.object({
  id: z.string(),
  name: z.string(),
  criticality: z.int().check(z.gte(1), z.lte(4)),
  level: z.int().check(z.gte(1)),
});

const approval = z.object({
  stage: z.enum(APPROVAL_STAGES),
  group: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  approver: z.nullable(z.string()),
  decision: z.nullable(z.enum(APPROVAL_DECISIONS)),
  comment: z.nullable(z.string()),
  requestedAt: isoTime,
  escalatedAt: z.nullable(isoTime),
  decidedAt: z.nullable(isoTime),
});

export const changeSchema = withMeta(
  z.object({
    id: z.string().check(z.regex(/^CHG-\d{6,}$/)),
    type: z.enum(CHANGE_TYPES),
    title: z.string(),
    description: z.string(),
    status: z.enum(CHANGE_STATUSES),
    risk: described(z.nullable(risk), 'null until assessed'),
    ciIds: z.array(z.string()),
    unknownCiIds: described(
      z.array(z.string()),
      'read-only: CIs the CMDB did not know at creation (accepted only with strict CI ids off)',
    ),
    impactedServices: described(
      z.array(impactedService),
      'read-only: services a downstream impact analysis from the CIs reaches (depth 5, redundancy applied), nearest first; empty until assessed',
    ),
    plannedStart: isoTime,
    plannedEnd: isoTime,
    implementationPlan: z.nullable(z.string()),
    backoutPlan: z.nullable(z.string()),
    approvalGroups: z.array(z.string()),
    approvals: z.array(approval),
    conflicts: z.array(conflict),
    requester: person,
    submittedBy: z.object({ id: z.string(), name: z.nullable(z.string()) }),
    statusReason: z.nullable(z.string()),
    implementation: z.nullable(
      z.object({
        outcome: z.enum([...IMPLEMENTATION_OUTCOMES, 'timed_out']),
        notes: z.nullable(z.string()),
        reportedBy: z.nullable(z.string()),
        reportedAt: isoTime,
      }),
    ),
    review: z.nullable(
      z.object({ notes: z.nullable(z.string()), reviewedBy: z.nullable(z.string()), reviewedAt: isoTime }),
    ),
    executionArn: z.nullable(z.string()),
    createdAt: isoTime,
    updatedAt: isoTime,
    links: described(
      z.optional(z.array(z.object({ type: z.enum(['causes_incident']), targetId: z.string() }))),
      'read-only, on GET /changes/{id} for agents, approvers and admins: incidents linked `caused_by_change` to this change (POST /tickets/{id}/links), by incident id, at most 100',
    ),
    version: z.int().check(z.gte(1)),
  }),
  { id: 'Change' },
);

export const changeHistorySchema = withMeta(
  z.object({
    id: z.string(),
    recordId: z.string(),
    at: isoTime,
    actor: z.object({ id: z.string(), name: z.nullable(z.string()) }),
    action: z.string(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    events: z.array(z.object({ detailType: z.string(), detail: z.record(z.string(), z.unknown()) })),
  }),
  { id: 'ChangeHistoryEntry' },
);

export const freezeWindowSchema = withMeta(
  z.object({
    id: freezeWindowIdSchema,
    name: z.string(),
    start: isoTime,
    end: isoTime,
    reason: z.nullable(z.string()),
    ciIds: z.array(z.string()),
    serviceIds: z.array(z.string()),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().check(z.gte(1)),
  }),
  { id: 'FreezeWindow' },
);

export const changePage = pageOf(changeSchema, 'ChangePage');
export const changeHistoryPage = pageOf(changeHistorySchema, 'ChangeHistoryPage');
export const freezeWindowPage = pageOf(freezeWindowSchema, 'FreezeWindowPage');
