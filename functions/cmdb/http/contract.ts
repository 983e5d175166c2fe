import type { RouteContract } from '../../shared/http/route-contract.js';
import { pageOnlyQuery } from '../../shared/http/schemas.js';
import { drPostureQuery, drPostureReport } from './dr-posture-schemas.js';
import {
  addRelationshipBody,
  ciClassList,
  ciClassSchema,
  ciHistoryPage,
  ciPage,
  ciRelationshipPage,
  ciSchema,
  dependenciesBody,
  dependenciesResult,
  impactAnalysisBody,
  impactQuery,
  impactResultSchema,
  listCisQuery,
  listRelationshipsQuery,
  listServicesQuery,
  putCiBody,
  putCiClassBody,
  putServiceBody,
  relationshipSchema,
  relationshipTypeList,
  serviceOrPublicSchema,
  servicePage,
  serviceSchema,
} from './schemas.js';

const READERS = 'Agents, approvers and admins; requesters get 403.';

/** The CMDB and services (the cmdb function; docs/cmdb.md). */
export const CMDB_CONTRACT = {
  'GET /cis': {
    summary:
      'List CIs by id, filtered by class (with subclasses), status, environment, group, identifier or warranty',
    description: `${READERS} Each filter is served by an index; several filters narrow the most selective one. \`warrantyBefore\` lists soonest expiry first.`,
    query: listCisQuery,
    success: { status: 200, schema: ciPage },
  },
  'GET /cis/{id}': {
    summary: 'Read a CI',
    description: `${READERS} \`closure.serviceIds\` are the services the CI belongs to, kept within seconds of a relationship or status change.`,
    success: { status: 200, schema: ciSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /cis/{id}': {
    creates: true,
    summary: 'Create or replace a CI (201 when created)',
    description:
      "Agents and admins. The whole CI less its read-only fields; omitted fields take their defaults. `attributes` must satisfy the class's effective schema; `identifiers` and `asset.assetTag` are unique across the CMDB. Status moves follow the lifecycle (409 `invalid_transition` with the allowed ones); only admins bring a CI back from `retired`. Service classes are written through PUT /services/{id}.",
    body: putCiBody,
    success: { status: 200, schema: ciSchema, headers: ['ETag'] },
    errors: [409, 412, 503],
  },
  'GET /cis/{id}/history': {
    summary: 'Every change to a CI, oldest first: fields, status, relationships added and removed',
    description: READERS,
    query: pageOnlyQuery,
    success: { status: 200, schema: ciHistoryPage },
    errors: [404],
  },
  'GET /cis/{id}/relationships': {
    summary: "A CI's relationships, both directions, with the other CI's name and class",
    description: `${READERS} \`direction=out\`: this CI is the source; \`in\`: the target, listed under the reverse label.`,
    query: listRelationshipsQuery,
    success: { status: 200, schema: ciRelationshipPage },
    errors: [404],
  },
  'POST /cis/{id}/relationships': {
    summary: 'Relate this CI (the source) to a target CI; the same triple again answers the stored one (200)',
    description:
      'Agents and admins. 201 with the relationship, or 200 with the stored one when it exists. The target must exist and not be retired (422 `unknown_ci` / `retired_ci` at `target`); a service may be the target only of `depends_on` from another service (422 `relationship_not_allowed`); a CI has at most one container (409 `already_contained`) and containment has no cycles (409 `containment_cycle`); 500 relationships per CI and direction (409 `too_many_relationships`).',
    body: addRelationshipBody,
    success: { status: 201, schema: relationshipSchema },
    existing: 'The relationship existed already: the stored one, as first created',
    errors: [404, 409, 422, 503],
  },
  'DELETE /cis/{id}/relationships/{type}/{target}': {
    summary: 'Remove a relationship, named by its type or reverse label as listed for this CI',
    description:
      'Agents and admins. `{type}` as GET /cis/{id}/relationships lists it: the type when this CI is the source, the reverse label (`used_by`, `runs`, …) when it is the target. 204; absent → 404.',
    success: { status: 204 },
    errors: [404, 409, 503],
  },
  'GET /cis/{id}/impact': {
    summary:
      'What fails if this CI fails (downstream, with redundancy), or what could make it fail (upstream)',
    description: `${READERS} Breadth-first along impact edges, one wave per level (≤ 2 reads per level), at most 2,000 nodes. Redundant CIs stay up until more than \`k − minUp\` of their inputs fail (\`absorbed\` lists those that held).`,
    query: impactQuery,
    success: { status: 200, schema: impactResultSchema },
    errors: [404],
  },
  'POST /impact-analysis': {
    summary: 'Simulate several CIs failing together: the impact of the whole set',
    description: `${READERS} Every CI in \`down\` must exist (422 \`unknown_ci\` at \`down.<i>\`). Read-only: nothing is stored.`,
    body: impactAnalysisBody,
    success: { status: 200, schema: impactResultSchema },
    errors: [422],
  },
  'GET /ci-relationship-types': {
    summary: 'The fixed relationship types, their reverse labels and which way they carry impact',
    description: READERS,
    success: { status: 200, schema: relationshipTypeList },
  },
  'GET /ci-classes': {
    summary: 'Every CI class with its parent and attribute schema',
    description: READERS,
    success: { status: 200, schema: ciClassList },
  },
  'PUT /ci-classes/{id}': {
    creates: true,
    summary: 'Create or replace a CI class (201 when created)',
    description:
      'Admins only. `attributesSchema` is JSON Schema 2020-12 within the schema limits (400 at `attributesSchema…`); the parent must exist (no cycles: 409 `class_cycle`). Existing CIs are checked against a changed schema on their next write.',
    body: putCiClassBody,
    success: { status: 200, schema: ciClassSchema, headers: ['ETag'] },
    errors: [409, 412, 503],
  },
  'GET /services': {
    summary: 'List services by id (requesters: live services only, as id, name and description)',
    description:
      'Everyone with a role. Agents, approvers and admins see every service with its portfolio fields; requesters see live services only, as `{id, name, description}`.',
    query: listServicesQuery,
    success: { status: 200, schema: servicePage },
  },
  'GET /services/{id}': {
    summary: 'Read a service (requesters: a live one, as id, name and description)',
    description:
      'Everyone with a role. A requester asking for a service that is not live gets 404, as for one that does not exist.',
    success: { status: 200, schema: serviceOrPublicSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /services/{id}': {
    creates: true,
    summary: 'Create or replace a service (201 when created)',
    description:
      'Admins only. A service is a CI of class `business_service` or `technical_service` with an owner, a support group and a portfolio status (`pipeline` → `live` → `retired`). Its members are the CIs it depends on, transitively (its closure).',
    body: putServiceBody,
    success: { status: 200, schema: serviceSchema, headers: ['ETag'] },
    errors: [409, 412, 503],
  },
  'POST /services/{id}/dependencies': {
    summary: 'Make the service depend on these CIs (depends_on relationships)',
    description:
      'Agents and admins. Every CI must exist and not be retired (422 at `ciIds.<i>`). 200 with the CIs newly `added` and those already `existing`.',
    body: dependenciesBody,
    success: { status: 200, schema: dependenciesResult },
    errors: [404, 409, 422, 503],
  },
  'GET /reports/dr-posture': {
    summary:
      'Disaster-recovery posture: production CIs that matter with no backup, and the table’s backup settings',
    description:
      'Agents, approvers and admins; requesters get 403. In scope: CIs with environment `production`, criticality 1 or 2, status `active` or `maintenance`, outside the service family. `items`: those with no `backed_up_by` relationship to a CI that is not retired, by criticality then id. `counts` are exact as of `freshness.asOf` (kept from the CMDB events within seconds). `table`: point-in-time recovery and deletion protection as deployed. `Accept: text/csv` answers CSV. One Query page and one GetItem, in parallel.',
    query: drPostureQuery,
    success: { status: 200, schema: drPostureReport },
  },
} as const satisfies Record<string, RouteContract>;
