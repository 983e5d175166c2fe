import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { assertCmdbAdmin, assertCmdbReader, assertCmdbWriter } from '../access.js';
import type { CiService } from '../ci-service.js';
import type { ClassService } from '../class-service.js';
import { assertDrPostureReader, type DrPostureService } from '../dr-posture-service.js';
import type { ImpactService } from '../impact-service.js';
import type { CiInput } from '../model.js';
import type { RelationshipService } from '../relationship-service.js';
import { RELATIONSHIP_TYPE_INFO, RELATIONSHIP_TYPES } from '../relationship-types.js';
import type { ServiceInput, ServicePortfolio } from '../service-portfolio.js';
import { CMDB_CONTRACT as CONTRACT } from './contract.js';

/** The CMDB bounded context (docs/cmdb.md): CIs, relationships, impact, classes and services. */
export interface CmdbServices {
  readonly cis: CiService;
  readonly relationships: RelationshipService;
  readonly impact: ImpactService;
  readonly classes: ClassService;
  readonly services: ServicePortfolio;
  /** GET /reports/dr-posture (docs/reports.md#disaster-recovery-posture). */
  readonly drPosture: DrPostureService;
}

const RELATIONSHIP_TYPE_LIST = { items: RELATIONSHIP_TYPES.map((type) => RELATIONSHIP_TYPE_INFO[type]) };

export function createCmdbHandler(
  { cis, relationships, impact, classes, services, drPosture }: CmdbServices,
  api: ApiBuilder,
): HttpHandler {
  return api({
    'GET /cis': operation({
      ...CONTRACT['GET /cis'],
      authorize: assertCmdbReader,
      handle: async ({ query, page, pageBody }) => {
        const { limit, cursor, ...filter } = query;
        return { status: 200, body: await pageBody(await cis.list(filter, await page({ limit, cursor }))) };
      },
    }),
    'GET /cis/{id}': operation({
      ...CONTRACT['GET /cis/{id}'],
      authorize: assertCmdbReader,
      handle: async ({ params }) => {
        const ci = await cis.get(params.id!);
        return { status: 200, body: ci, headers: { etag: etagOf(ci.version) } };
      },
    }),
    'PUT /cis/{id}': operation({
      ...CONTRACT['PUT /cis/{id}'],
      authorize: (caller) => assertCmdbWriter(caller, 'write CIs'),
      handle: async ({ caller, params, body, headers }) => {
        const id = params.id!;
        const { ci, created } = await cis.put(
          caller,
          id,
          body as CiInput,
          versionFromIfMatch(headers['if-match']),
        );
        return {
          status: created ? 201 : 200,
          body: ci,
          headers: { etag: etagOf(ci.version), ...(created ? { location: `/cis/${id}` } : {}) },
        };
      },
    }),
    'GET /cis/{id}/history': operation({
      ...CONTRACT['GET /cis/{id}/history'],
      authorize: assertCmdbReader,
      handle: async ({ params, query, page, pageBody }) => ({
        status: 200,
        body: await pageBody(await cis.history(params.id!, await page(query))),
      }),
    }),
    'GET /cis/{id}/relationships': operation({
      ...CONTRACT['GET /cis/{id}/relationships'],
      authorize: assertCmdbReader,
      handle: async ({ params, query, page, pageBody }) => {
        const { limit, cursor, ...filter } = query;
        return {
          status: 200,
          body: await pageBody(await relationships.list(params.id!, filter, await page({ limit, cursor }))),
        };
      },
    }),
    'POST /cis/{id}/relationships': operation({
      ...CONTRACT['POST /cis/{id}/relationships'],
      authorize: (caller) => assertCmdbWriter(caller, 'relate CIs'),
      handle: async ({ caller, params, body }) => {
        const { relationship, created } = await relationships.add(caller, params.id!, body);
        return { status: created ? 201 : 200, body: relationship };
      },
    }),
    'DELETE /cis/{id}/relationships/{type}/{target}': operation({
      ...CONTRACT['DELETE /cis/{id}/relationships/{type}/{target}'],
      authorize: (caller) => assertCmdbWriter(caller, 'remove relationships'),
      handle: async ({ caller, params }) => {
        await relationships.remove(caller, params.id!, params.type!, params.target!);
        return { status: 204 };
      },
    }),
    'GET /cis/{id}/impact': operation({
      ...CONTRACT['GET /cis/{id}/impact'],
      authorize: assertCmdbReader,
      handle: async ({ params, query }) => {
        const { direction, ...options } = query;
        return { status: 200, body: await impact.ofCi(params.id!, direction, options) };
      },
    }),
    'POST /impact-analysis': operation({
      ...CONTRACT['POST /impact-analysis'],
      authorize: assertCmdbReader,
      handle: async ({ body }) => {
        const { down, ...options } = body;
        return { status: 200, body: await impact.simulate(down, options) };
      },
    }),
    'GET /ci-relationship-types': operation({
      ...CONTRACT['GET /ci-relationship-types'],
      authorize: assertCmdbReader,
      handle: async () => ({ status: 200, body: RELATIONSHIP_TYPE_LIST }),
    }),
    'GET /ci-classes': operation({
      ...CONTRACT['GET /ci-classes'],
      authorize: assertCmdbReader,
      handle: async () => ({ status: 200, body: { items: await classes.list() } }),
    }),
    'PUT /ci-classes/{id}': operation({
      ...CONTRACT['PUT /ci-classes/{id}'],
      authorize: (caller) => assertCmdbAdmin(caller, 'change CI classes'),
      handle: async ({ params, body, headers }) => {
        const id = params.id!;
        const { ciClass, created } = await classes.put(id, body, versionFromIfMatch(headers['if-match']));
        return {
          status: created ? 201 : 200,
          body: ciClass,
          headers: { etag: etagOf(ciClass.version), ...(created ? { location: `/ci-classes/${id}` } : {}) },
        };
      },
    }),
    'GET /services': operation({
      ...CONTRACT['GET /services'],
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, ...filter } = query;
        return {
          status: 200,
          body: await pageBody(await services.list(caller, filter, await page({ limit, cursor }))),
        };
      },
    }),
    'GET /services/{id}': operation({
      ...CONTRACT['GET /services/{id}'],
      handle: async ({ caller, params }) => {
        const service = await services.get(caller, params.id!);
        const version = 'version' in service ? service.version : undefined;
        return {
          status: 200,
          body: service,
          ...(version !== undefined && { headers: { etag: etagOf(version) } }),
        };
      },
    }),
    'PUT /services/{id}': operation({
      ...CONTRACT['PUT /services/{id}'],
      authorize: (caller) => assertCmdbAdmin(caller, 'write services'),
      handle: async ({ caller, params, body, headers }) => {
        const id = params.id!;
        const { service, created } = await services.put(
          caller,
          id,
          body as ServiceInput,
          versionFromIfMatch(headers['if-match']),
        );
        return {
          status: created ? 201 : 200,
          body: service,
          headers: { etag: etagOf(service.version), ...(created ? { location: `/services/${id}` } : {}) },
        };
      },
    }),
    'POST /services/{id}/dependencies': operation({
      ...CONTRACT['POST /services/{id}/dependencies'],
      authorize: (caller) => assertCmdbWriter(caller, 'add service dependencies'),
      handle: async ({ caller, params, body }) => ({
        status: 200,
        body: await services.addDependencies(caller, params.id!, body.ciIds),
      }),
    }),
    'GET /reports/dr-posture': operation({
      ...CONTRACT['GET /reports/dr-posture'],
      authorize: assertDrPostureReader,
      handle: async ({ caller, query, page, pageBody }) => {
        const report = await drPosture.report(caller, await page(query));
        const { items, nextCursor } = await pageBody(report.page);
        const { counts, table, freshness } = report;
        return { status: 200, body: { items, nextCursor, counts, table, freshness } };
      },
    }),
  });
}
