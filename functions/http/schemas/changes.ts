import * as z from 'zod';
import {
  APPROVAL_DECISIONS,
  APPROVAL_STAGES,
  APPROVAL_STATUSES,
  CHANGE_STATUSES,
  CHANGE_TYPES,
  IMPLEMENTATION_OUTCOMES,
  RISK_LEVELS,
} from '../../domain/changes/model.js';
import { groupId, identifier, isoTime, longText, pageOf, pageQuery, personInput } from './common.js';

const title = z.string().trim().min(1).max(200);
const plan = longText.pipe(z.string().trim().min(1)).nullable().optional();
const notes = longText.pipe(z.string().trim().min(1));
const person = z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() });

export const freezeWindowIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be lowercase letters, digits and hyphens (max 63)' });

export const createChangeBody = z
  .strictObject({
    type: z.enum(CHANGE_TYPES),
    title,
    description: longText.optional(),
    ciIds: z.array(identifier).min(1).max(20),
    plannedStart: isoTime,
    plannedEnd: isoTime,
    implementationPlan: plan.describe('missing plans raise the risk; no backout plan makes it high'),
    backoutPlan: plan,
    approvalGroups: z
      .array(groupId)
      .max(10)
      .optional()
      .describe('normal changes only: every group must approve'),
    requester: personInput
      .optional()
      .describe('who the change is for (they may read it); the caller by default'),
  })
  .meta({ id: 'CreateChange' });

export const listChangesQuery = z
  .strictObject({
    ...pageQuery,
    status: z.enum(CHANGE_STATUSES).optional(),
    type: z.enum(CHANGE_TYPES).optional(),
    ciId: identifier.optional(),
    requester: identifier.optional(),
  })
  .meta({ id: 'ListChangesQuery' });

export const decideApprovalBody = z
  .strictObject({
    decision: z.enum(APPROVAL_DECISIONS),
    comment: longText.nullable().optional(),
    group: groupId
      .optional()
      .describe('needed only when you belong to several groups with a pending approval'),
  })
  .meta({ id: 'DecideApproval' });

export const reportImplementationBody = z
  .strictObject({
    outcome: z.enum(IMPLEMENTATION_OUTCOMES),
    notes: notes.nullable().optional().describe('what was done; for a failure, the backout performed'),
  })
  .superRefine((body, ctx) => {
    if (body.outcome !== 'successful' && !body.notes) {
      ctx.addIssue({
        code: 'custom',
        path: ['notes'],
        message: `required when the outcome is ${body.outcome}`,
      });
    }
  })
  .meta({ id: 'ReportImplementation' });

export const reviewChangeBody = z.strictObject({ notes }).meta({ id: 'ReviewChange' });

export const cancelChangeBody = z.strictObject({ reason: notes }).meta({ id: 'CancelChange' });

export const putFreezeWindowBody = z
  .strictObject({
    name: title,
    start: isoTime,
    end: isoTime,
    reason: longText.nullable().optional(),
    ciIds: z.array(identifier).max(100).optional().describe('empty or absent: every CI is frozen'),
  })
  .meta({ id: 'PutFreezeWindow' });

const risk = z.object({ level: z.enum(RISK_LEVELS), score: z.int(), reasons: z.array(z.string()) });

const conflict = z.union([
  z.object({
    kind: z.literal('change'),
    changeId: z.string(),
    ciIds: z.array(z.string()),
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

const approval = z.object({
  stage: z.enum(APPROVAL_STAGES),
  group: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  approver: z.string().nullable(),
  decision: z.enum(APPROVAL_DECISIONS).nullable(),
  comment: z.string().nullable(),
  requestedAt: isoTime,
  escalatedAt: isoTime.nullable(),
  decidedAt: isoTime.nullable(),
});

export const changeSchema = z
  .object({
    id: z.string().regex(/^CHG-\d{6,}$/),
    type: z.enum(CHANGE_TYPES),
    title: z.string(),
    description: z.string(),
    status: z.enum(CHANGE_STATUSES),
    risk: risk.nullable().describe('null until assessed'),
    ciIds: z.array(z.string()),
    plannedStart: isoTime,
    plannedEnd: isoTime,
    implementationPlan: z.string().nullable(),
    backoutPlan: z.string().nullable(),
    approvalGroups: z.array(z.string()),
    approvals: z.array(approval),
    conflicts: z.array(conflict),
    requester: person,
    submittedBy: z.object({ id: z.string(), name: z.string().nullable() }),
    statusReason: z.string().nullable(),
    implementation: z
      .object({
        outcome: z.enum([...IMPLEMENTATION_OUTCOMES, 'timed_out']),
        notes: z.string().nullable(),
        reportedBy: z.string().nullable(),
        reportedAt: isoTime,
      })
      .nullable(),
    review: z
      .object({ notes: z.string().nullable(), reviewedBy: z.string().nullable(), reviewedAt: isoTime })
      .nullable(),
    executionArn: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().min(1),
  })
  .meta({ id: 'Change' });

export const changeHistorySchema = z
  .object({
    id: z.string(),
    recordId: z.string(),
    at: isoTime,
    actor: z.object({ id: z.string(), name: z.string().nullable() }),
    action: z.string(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    events: z.array(z.object({ detailType: z.string(), detail: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'ChangeHistoryEntry' });

export const freezeWindowSchema = z
  .object({
    id: freezeWindowIdSchema,
    name: z.string(),
    start: isoTime,
    end: isoTime,
    reason: z.string().nullable(),
    ciIds: z.array(z.string()),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().min(1),
  })
  .meta({ id: 'FreezeWindow' });

export const changePage = pageOf(changeSchema, 'ChangePage');
export const changeHistoryPage = pageOf(changeHistorySchema, 'ChangeHistoryPage');
export const freezeWindowPage = pageOf(freezeWindowSchema, 'FreezeWindowPage');
