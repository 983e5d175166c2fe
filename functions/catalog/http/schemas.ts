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
import { requestTaskSchema } from '../../tickets/http/schemas.js';
import { TASK_STATUSES } from '../../tickets/model.js';
import { SETTABLE_TASK_STATUSES } from '../fulfilment.js';
import { APPROVAL_POLICIES, CATALOG_ITEM_STATUSES, CATALOG_LIMITS } from '../model.js';

const level = z.int().check(z.gte(1), z.lte(3)) as unknown as z.ZodMiniType<1 | 2 | 3>;

/** A JSON Schema as the body carries it: an object; the limits and Ajv check it in the domain. */
const jsonSchema = z.record(z.string(), z.unknown());

const step = z.strictObject({
  id: identifier,
  name: singleLine(200, 1),
  groupId: described(groupId, 'the group whose agents work the task'),
  after: described(
    z._default(z.array(identifier).check(z.maxLength(CATALOG_LIMITS.steps)), []),
    'steps that must be done or skipped first (a DAG: a cycle → 400 `step_cycle`)',
  ),
  instructions: z._default(z.nullable(longText), null),
});

export const putCatalogItemBody = withMeta(
  z.strictObject({
    name: singleLine(200, 1),
    description: z._default(longText, ''),
    category: z._default(z.nullable(identifier), null),
    serviceId: described(identifier, 'a live service (GET /services)'),
    status: described(
      z._default(z.enum(CATALOG_ITEM_STATUSES), 'draft'),
      '`draft` → `published` → `retired`, never back; only published items take requests',
    ),
    audience: described(
      z._default(
        z.strictObject({ groups: z.array(groupId).check(z.maxLength(CATALOG_LIMITS.audienceGroups)) }),
        {
          groups: [],
        },
      ),
      'requesters in one of these groups see the item; empty: every authenticated user',
    ),
    formSchema: described(
      jsonSchema,
      'JSON Schema 2020-12 with `type: "object"` at its root, within docs/catalog.md#limits (≤ 32 KiB, depth ≤ 10, allowed keywords only, local `$ref` only, safe `pattern`s)',
    ),
    approval: described(
      z._default(
        z.strictObject({
          policy: z.enum(APPROVAL_POLICIES),
          groups: z._default(z.array(groupId).check(z.maxLength(CATALOG_LIMITS.approvalGroups)), []),
          requiredWhen: described(
            z._default(z.nullable(jsonSchema), null),
            'approval is needed only when the form is valid against this schema; null: always',
          ),
          escalateAfterHours: z._default(
            z.int().check(z.gte(1), z.lte(8760)),
            CATALOG_LIMITS.escalateAfterHours,
          ),
          expireAfterHours: z._default(z.int().check(z.gte(1), z.lte(8760)), CATALOG_LIMITS.expireAfterHours),
        }),
        { policy: 'none', groups: [], requiredWhen: null, escalateAfterHours: 24, expireAfterHours: 72 },
      ),
      '`all` needs every group, `any` the first approval; any rejection rejects',
    ),
    fulfilment: z._default(
      z.strictObject({ steps: z.array(step).check(z.maxLength(CATALOG_LIMITS.steps)) }),
      { steps: [] },
    ),
    defaults: z._default(
      z.strictObject({
        impact: z._default(level, 3),
        urgency: z._default(level, 3),
        category: z._default(z.nullable(identifier), null),
      }),
      { impact: 3, urgency: 3, category: null },
    ),
  }),
  {
    id: 'PutCatalogItem',
    examples: [
      {
        name: 'New laptop',
        serviceId: 'workplace',
        status: 'published',
        formSchema: {
          type: 'object',
          properties: {
            model: { type: 'string', enum: ['standard', 'developer'] },
            justification: { type: 'string', maxLength: 500 },
          },
          required: ['model'],
          additionalProperties: false,
        },
        approval: {
          policy: 'any',
          groups: ['it-approvers'],
          requiredWhen: { properties: { model: { const: 'developer' } } },
        },
        fulfilment: {
          steps: [
            { id: 'order', name: 'Order the laptop', groupId: 'procurement' },
            { id: 'image', name: 'Install the image', groupId: 'desktop', after: ['order'] },
          ],
        },
      },
    ],
  },
);

export const catalogItemSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    category: z.nullable(z.string()),
    serviceId: z.string(),
    status: z.enum(CATALOG_ITEM_STATUSES),
    audience: z.object({ groups: z.array(z.string()) }),
    formSchema: jsonSchema,
    approval: z.object({
      policy: z.enum(APPROVAL_POLICIES),
      groups: z.array(z.string()),
      requiredWhen: z.nullable(jsonSchema),
      escalateAfterHours: z.int(),
      expireAfterHours: z.int(),
    }),
    fulfilment: z.object({
      steps: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          groupId: z.string(),
          after: z.array(z.string()),
          instructions: z.nullable(z.string()),
        }),
      ),
    }),
    defaults: z.object({ impact: z.int(), urgency: z.int(), category: z.nullable(z.string()) }),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().check(z.gte(1)),
  }),
  { id: 'CatalogItem' },
);

export const catalogItemPage = pageOf(catalogItemSchema, 'CatalogItemPage');

export const listCatalogItemsQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    serviceId: described(z.optional(identifier), 'only items of this service'),
    category: described(z.optional(identifier), 'only items of this category'),
    status: described(
      z.optional(z.enum(CATALOG_ITEM_STATUSES)),
      'only items in this status (requesters only ever see `published` ones)',
    ),
  }),
  { id: 'ListCatalogItemsQuery' },
);

export const submitRequestBody = withMeta(
  z.strictObject({
    form: described(
      z.record(z.string(), z.unknown()),
      "checked against the item's form schema; every fault is reported at `form.<path>`",
    ),
    title: z.optional(singleLine(200, 1)),
    description: z.optional(longText),
    requestedFor: described(z.optional(personInput), 'agents and admins only: whom the request is for'),
  }),
  {
    id: 'SubmitRequest',
    examples: [{ form: { model: 'developer', justification: 'builds need 32 GB' } }],
  },
);

export const decisionBody = withMeta(
  z.strictObject({
    decision: z.enum(['approve', 'reject']),
    comment: described(z.optional(singleLine(2000, 1)), 'on a rejection, posted as a public comment'),
    group: described(z.optional(groupId), 'required when the caller is in several pending groups'),
  }),
  {
    id: 'ApprovalDecision',
    examples: [{ decision: 'approve' }, { decision: 'reject', comment: 'Over budget' }],
  },
);

export const patchTaskBody = withMeta(
  z.strictObject({
    status: described(
      z.optional(z.enum(SETTABLE_TASK_STATUSES)),
      '`open` → `in_progress` | `done` | `skipped` | `failed`; `in_progress` → `done` | `skipped` | `failed`; `failed` → `in_progress`',
    ),
    notes: z.optional(z.nullable(longText)),
    assignee: z.optional(z.nullable(identifier)),
  }),
  { id: 'PatchRequestTask', examples: [{ status: 'done', notes: 'Shipped, tracking 1Z999' }] },
);

/** Staff see whole tasks; the requester their names and statuses. */
export const taskViewSchema = withMeta(
  z.union([requestTaskSchema, z.object({ id: z.string(), name: z.string(), status: z.enum(TASK_STATUSES) })]),
  {
    id: 'RequestTaskView',
    description: 'Agents, approvers and admins get whole tasks; the requester `{id, name, status}`.',
  },
);

export const requestTaskList = withMeta(z.object({ items: z.array(taskViewSchema) }), {
  id: 'RequestTaskList',
});
