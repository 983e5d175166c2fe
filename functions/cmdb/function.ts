import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import { SchemaValidators } from '../shared/json-schema/compiled.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT } from '../shared/wiring/environment.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { CiService } from './ci-service.js';
import { ClassCatalogue } from './class-catalogue.js';
import { ClassService } from './class-service.js';
import { createCmdbHandler } from './http/handler.js';
import { ImpactService } from './impact-service.js';
import { RelationshipService } from './relationship-service.js';
import { ServicePortfolio } from './service-portfolio.js';
import { cmdbStore } from './store/wiring.js';

/** The CMDB function: CIs, relationships, impact analysis, classes and services (docs/cmdb.md). */
export const CMDB_ENVIRONMENT = defineEnvironment({ ...HTTP_TABLE_ENVIRONMENT });

/** One assembly for the Lambda entry and the local runtime. */
export function assembleCmdb(deps: HttpDeps): HttpHandler {
  const store = cmdbStore(deps);
  const newId = idsOn(deps.clock);
  const catalogue = new ClassCatalogue(store, deps.clock);
  // Compiled attribute schemas are kept per container, keyed by the class chain's versions.
  const schemas = new SchemaValidators();
  const cis = new CiService(store, catalogue, groupStore(deps), schemas, deps.clock, newId);
  const relationships = new RelationshipService(store, deps.clock, newId);
  return createCmdbHandler(
    {
      cis,
      relationships,
      impact: new ImpactService(store),
      classes: new ClassService(store, catalogue, schemas, deps.clock),
      services: new ServicePortfolio(store, cis, relationships, slaConfigStore(deps)),
    },
    tableApi(deps),
  );
}
