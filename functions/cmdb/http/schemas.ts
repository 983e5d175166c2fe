import * as z from 'zod/mini';
import {
  described,
  groupId,
  historyEntrySchema,
  identifier,
  isoTime,
  longText,
  pageOf,
  pageQuery,
  withMeta,
} from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import { CI_ENVIRONMENTS, CI_STATUSES, CMDB_LIMITS, PORTFOLIO_STATUSES, SERVICE_CLASSES } from '../model.js';
import { RELATIONSHIP_TYPES } from '../relationship-types.js';

const date = described(z.iso.date(), 'a real calendar date, YYYY-MM-DD');
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const assetInput = z.strictObject({
  serialNumber: z.optional(singleLine(128, 1)),
  assetTag: described(z.optional(singleLine(64, 1)), 'unique across the CMDB (409 `asset_tag_taken`)'),
  vendor: z.optional(singleLine(200, 1)),
  model: z.optional(singleLine(200, 1)),
  supplier: z.optional(singleLine(200, 1)),
  purchasedOn: z.optional(date),
  warrantyUntil: described(z.optional(date), '`CI Warranty Expiring` is raised once, 30 days before'),
  cost: z.optional(
    z.strictObject({
      amount: described(
        z.string().check(
          z.regex(/^\d{1,12}(\.\d{1,2})?$/, {
            message: 'must be a decimal string, up to 12 digits and 2 decimals',
          }),
        ),
        'a decimal string (no float rounding): up to 12 digits, 2 decimals',
      ),
      currency: described(
        z
          .string()
          .check(z.refine((code) => CURRENCIES.has(code), { message: 'must be an ISO 4217 currency code' })),
        'ISO 4217, e.g. EUR',
      ),
    }),
  ),
});

const redundancyInput = z
  .strictObject({
    minUp: z.int().check(z.gte(1)),
    unit: z.enum(['count', 'percent']),
  })
  .check(
    z.refine((r) => r.unit === 'count' || r.minUp <= 100, {
      message: 'a percentage is 1–100',
      path: ['minUp'],
    }),
  );

const attributes = described(
  z.record(z.string(), z.unknown()).check(
    z.refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= CMDB_LIMITS.attributesBytes, {
      message: 'must be at most 16 KiB as JSON',
    }),
  ),
  "valid against the class's effective schema (the allOf of its parent chain)",
);

const identifiers = described(
  z.array(singleLine(256, 1)).check(
    z.maxLength(CMDB_LIMITS.identifiersPerCi),
    z.refine((values) => new Set(values).size === values.length, {
      message: 'must not repeat an identifier',
    }),
  ),
  'keys other systems know the CI by (e.g. `aws:ec2:i-0abc…`), unique across the CMDB (409 `identifier_taken`); alert mapping resolves them',
);

/** The fields CIs and services share, with their defaults. */
const commonFields = {
  name: singleLine(200, 1),
  description: z._default(longText, ''),
  status: described(z._default(z.enum(CI_STATUSES), 'active'), 'created in any status but `retired`'),
  environment: z._default(z.enum(CI_ENVIRONMENTS), 'production'),
  criticality: described(z._default(z.int().check(z.gte(1), z.lte(4)), 3), '1 (mission critical) to 4'),
  ownerGroup: z._default(z.nullable(groupId), null),
  location: z._default(z.nullable(singleLine(200)), null),
  asset: z._default(assetInput, {}),
  identifiers: z._default(identifiers, []),
  attributes: z._default(attributes, {}),
  redundancy: described(
    z._default(z.nullable(redundancyInput), null),
    'how many impact inputs must stay up (clusters, pools): `count`, or `percent` of them',
  ),
};

export const putCiBody = withMeta(
  z.strictObject({
    class: described(
      identifier,
      'an existing, non-abstract class (not a service class: those go through /services)',
    ),
    ...commonFields,
    owner: z._default(z.nullable(identifier), null),
    supportGroup: described(
      z._default(z.nullable(groupId), null),
      'tickets on this CI go to this group by default',
    ),
  }),
  {
    id: 'PutCi',
    examples: [
      {
        class: 'server',
        name: 'Payroll database host',
        criticality: 2,
        supportGroup: 'service-desk',
        identifiers: ['aws:ec2:i-0abc1234'],
        asset: { serialNumber: 'SN-1234', assetTag: 'ACME-0042', warrantyUntil: '2027-06-30' },
      },
    ],
  },
);

export const putServiceBody = withMeta(
  z.strictObject({
    class: z.enum(SERVICE_CLASSES),
    ...commonFields,
    owner: described(identifier, 'the service owner (a user id)'),
    supportGroup: groupId,
    portfolioStatus: described(
      z._default(z.enum(PORTFOLIO_STATUSES), 'pipeline'),
      '`pipeline` → `live` → `retired`; only live services may be named by tickets',
    ),
    serviceHoursCalendarId: described(z._default(identifier, '24x7'), 'the hours availability counts in'),
    availabilityTarget: described(
      z._default(
        z.nullable(
          z.number().check(
            z.gte(90),
            z.lte(100),
            z.refine((n) => Math.round(n * 1000) === n * 1000, { message: 'at most 3 decimals' }),
          ),
        ),
        null,
      ),
      'percent, 90–100, at most 3 decimals',
    ),
  }),
  {
    id: 'PutService',
    examples: [
      {
        class: 'business_service',
        name: 'Payroll',
        owner: 'alice',
        supportGroup: 'service-desk',
        portfolioStatus: 'live',
        criticality: 1,
      },
    ],
  },
);

const assetSchema = z.object({
  serialNumber: z.optional(z.string()),
  assetTag: z.optional(z.string()),
  vendor: z.optional(z.string()),
  model: z.optional(z.string()),
  supplier: z.optional(z.string()),
  purchasedOn: z.optional(z.string()),
  warrantyUntil: z.optional(z.string()),
  cost: z.optional(z.object({ amount: z.string(), currency: z.string() })),
});

const ciShape = {
  id: z.string(),
  class: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(CI_STATUSES),
  environment: z.enum(CI_ENVIRONMENTS),
  criticality: z.int().check(z.gte(1), z.lte(4)),
  owner: z.nullable(z.string()),
  ownerGroup: z.nullable(z.string()),
  supportGroup: z.nullable(z.string()),
  location: z.nullable(z.string()),
  asset: assetSchema,
  identifiers: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  redundancy: z.nullable(z.object({ minUp: z.int(), unit: z.enum(['count', 'percent']) })),
  closure: described(
    z.object({
      serviceIds: z.array(z.string()),
      computedAt: z.nullable(isoTime),
      truncated: z.boolean(),
    }),
    'read-only: the services this CI belongs to, kept from the stream within seconds (`computedAt` says when)',
  ),
  version: z.int().check(z.gte(1)),
  createdAt: isoTime,
  updatedAt: isoTime,
};

export const ciSchema = withMeta(z.object(ciShape), { id: 'Ci' });

export const serviceSchema = withMeta(
  z.object({
    ...ciShape,
    portfolioStatus: z.enum(PORTFOLIO_STATUSES),
    serviceHoursCalendarId: z.string(),
    availabilityTarget: z.nullable(z.number()),
    slaPolicyIds: described(z.array(z.string()), 'read-only: SLA policies whose `match.serviceIds` name it'),
  }),
  { id: 'Service' },
);

export const publicServiceSchema = withMeta(
  z.object({ id: z.string(), name: z.string(), description: z.string() }),
  { id: 'PublicService', description: 'What a requester sees of a live service.' },
);

export const serviceOrPublicSchema = withMeta(z.union([serviceSchema, publicServiceSchema]), {
  id: 'ServiceView',
  description: 'Staff get the whole service; requesters `{id, name, description}` of live services.',
});

export const listCisQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    class: described(z.optional(identifier), 'only CIs of this class or a class below it'),
    status: described(z.optional(z.enum(CI_STATUSES)), 'only CIs in this lifecycle status'),
    environment: described(z.optional(z.enum(CI_ENVIRONMENTS)), 'only CIs in this environment'),
    supportGroup: described(z.optional(groupId), 'only CIs this group supports'),
    identifier: described(z.optional(singleLine(256, 1)), 'the CI holding this identifier (at most one)'),
    warrantyBefore: described(
      z.optional(date),
      'only CIs whose warranty ends before this date, soonest first',
    ),
  }),
  { id: 'ListCisQuery' },
);

export const listServicesQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    portfolioStatus: described(
      z.optional(z.enum(PORTFOLIO_STATUSES)),
      'only services in this portfolio status',
    ),
    class: described(z.optional(z.enum(SERVICE_CLASSES)), 'only business or only technical services'),
  }),
  { id: 'ListServicesQuery' },
);

export const addRelationshipBody = withMeta(
  z.strictObject({
    type: described(z.string().check(z.minLength(1), z.maxLength(64)), 'one of GET /ci-relationship-types'),
    target: identifier,
  }),
  { id: 'AddRelationship', examples: [{ type: 'depends_on', target: 'payroll-db' }] },
);

export const relationshipSchema = withMeta(
  z.object({
    source: z.string(),
    type: z.enum(RELATIONSHIP_TYPES),
    target: z.string(),
    createdAt: isoTime,
    createdBy: z.string(),
  }),
  { id: 'Relationship' },
);

export const listRelationshipsQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    type: described(z.optional(z.enum(RELATIONSHIP_TYPES)), 'only relationships of this type'),
    direction: described(z.optional(z.enum(['out', 'in'])), '`out`: this CI is the source; `in`: the target'),
  }),
  { id: 'ListRelationshipsQuery' },
);

export const ciRelationshipSchema = withMeta(
  z.object({
    type: z.enum(RELATIONSHIP_TYPES),
    label: described(
      z.string(),
      'the type, or its reverse label when this CI is the target (`used_by`, `runs`…)',
    ),
    direction: z.enum(['out', 'in']),
    ciId: described(z.string(), 'the CI at the other end'),
    ciName: z.string(),
    ciClass: z.string(),
    createdAt: isoTime,
    createdBy: z.string(),
  }),
  { id: 'CiRelationship' },
);

const booleanText = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value) => value === 'true'),
);
const depth = z.coerce.number().check(z.int(), z.gte(1), z.lte(CMDB_LIMITS.maxImpactDepth));

export const impactQuery = withMeta(
  z.strictObject({
    direction: described(
      z._default(z.enum(['downstream', 'upstream']), 'downstream'),
      '`downstream`: what this CI failing impacts; `upstream`: what could make it fail',
    ),
    depth: described(z._default(depth, CMDB_LIMITS.defaultImpactDepth), 'hops followed, 1–10 (default 5)'),
    redundancy: described(
      z._default(booleanText, true),
      '`false` ignores redundancy (every arrival impacts)',
    ),
    includeRetired: described(z._default(booleanText, false), 'follow retired CIs too'),
  }),
  { id: 'ImpactQuery' },
);

export const impactAnalysisBody = withMeta(
  z.strictObject({
    down: described(
      z.array(identifier).check(z.minLength(1), z.maxLength(CMDB_LIMITS.failedSetSize)),
      'the CIs that fail together (1–50)',
    ),
    depth: z._default(depth, CMDB_LIMITS.defaultImpactDepth),
    redundancy: z._default(z.boolean(), true),
  }),
  { id: 'ImpactAnalysis', examples: [{ down: ['db-node-1', 'db-node-2'] }] },
);

export const impactResultSchema = withMeta(
  z.object({
    direction: z.enum(['downstream', 'upstream']),
    roots: z.array(z.string()),
    depth: z.int(),
    redundancy: z.boolean(),
    nodes: z.array(
      z.object({
        id: z.string(),
        class: z.string(),
        name: z.string(),
        criticality: z.int(),
        status: z.string(),
        level: z.int(),
        via: z.string(),
      }),
    ),
    absorbed: described(
      z.array(z.object({ id: z.string(), impactedArrivals: z.int(), threshold: z.number() })),
      'redundant CIs reached that stayed up: impacted arrivals never passed their threshold',
    ),
    services: z.array(z.object({ id: z.string(), name: z.string(), criticality: z.int(), level: z.int() })),
    edges: z.array(z.object({ from: z.string(), to: z.string(), type: z.string() })),
    depthLimitReached: z.boolean(),
    truncated: described(z.boolean(), 'the walk stopped at 2,000 nodes'),
  }),
  { id: 'ImpactResult' },
);

export const putCiClassBody = withMeta(
  z.strictObject({
    name: singleLine(200, 1),
    parent: z._default(z.nullable(identifier), null),
    abstract: z._default(z.boolean(), false),
    attributesSchema: described(
      z._default(z.record(z.string(), z.unknown()), {}),
      'JSON Schema 2020-12 (root `type: "object"`) within the schema limits of docs/cmdb.md#classes',
    ),
  }),
  {
    id: 'PutCiClass',
    examples: [
      {
        name: 'Load balancer',
        parent: 'network_device',
        attributesSchema: { type: 'object', properties: { vip: { type: 'string', maxLength: 64 } } },
      },
    ],
  },
);

export const ciClassSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    parent: z.nullable(z.string()),
    abstract: z.boolean(),
    attributesSchema: z.record(z.string(), z.unknown()),
    version: z.int().check(z.gte(1)),
    createdAt: isoTime,
    updatedAt: isoTime,
  }),
  { id: 'CiClass' },
);

export const relationshipTypeSchema = withMeta(
  z.object({
    type: z.enum(RELATIONSHIP_TYPES),
    reverseLabel: z.string(),
    impact: z.enum(['target_to_source', 'source_to_target', 'none']),
    description: z.string(),
  }),
  { id: 'CiRelationshipType' },
);

export const dependenciesBody = withMeta(
  z.strictObject({
    ciIds: z.array(identifier).check(z.minLength(1), z.maxLength(CMDB_LIMITS.dependenciesPerCall)),
  }),
  { id: 'AddServiceDependencies', examples: [{ ciIds: ['payroll-app'] }] },
);

export const dependenciesResult = withMeta(
  z.object({ added: z.array(z.string()), existing: z.array(z.string()) }),
  { id: 'ServiceDependencies' },
);

export const ciHistorySchema = historyEntrySchema(
  ['created', 'updated', 'relationship_added', 'relationship_removed', 'warranty'],
  'CiHistoryEntry',
);

export const ciPage = pageOf(ciSchema, 'CiPage');
export const servicePage = pageOf(serviceOrPublicSchema, 'ServicePage');
export const ciRelationshipPage = pageOf(ciRelationshipSchema, 'CiRelationshipPage');
export const ciHistoryPage = pageOf(ciHistorySchema, 'CiHistoryPage');
export const ciClassList = withMeta(z.object({ items: z.array(ciClassSchema) }), { id: 'CiClassList' });
export const relationshipTypeList = withMeta(z.object({ items: z.array(relationshipTypeSchema) }), {
  id: 'CiRelationshipTypeList',
});
