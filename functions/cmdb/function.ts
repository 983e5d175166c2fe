import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import { SchemaValidators } from '../shared/json-schema/compiled.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT, required } from '../shared/wiring/environment.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { CiService } from './ci-service.js';
import { ClassCatalogue } from './class-catalogue.js';
import { ClassService } from './class-service.js';
import { DrPostureService, LOCAL_TABLE_BACKUP, type TableBackupSettings } from './dr-posture-service.js';
import { createCmdbHandler } from './http/handler.js';
import { ImpactService } from './impact-service.js';
import { RelationshipService } from './relationship-service.js';
import { ServicePortfolio } from './service-portfolio.js';
import { DynamoDrPostureStore } from './store/dynamodb-dr-posture-store.js';
import { cmdbStore } from './store/wiring.js';

/** The CMDB function: CIs, relationships, impact analysis, classes and services (docs/cmdb.md). */
export const CMDB_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  /** The table's backup settings as deployed (lib/data.ts), `true`/`false`, for GET /reports/dr-posture. */
  TABLE_POINT_IN_TIME_RECOVERY: required(),
  TABLE_DELETION_PROTECTION: required(),
});

export interface CmdbOptions {
  /** What GET /reports/dr-posture says of the table; default: the local runtime's (none). */
  readonly tableBackup?: TableBackupSettings;
}

/** One assembly for the Lambda entry and the local runtime. */
export function assembleCmdb(deps: HttpDeps, options: CmdbOptions = {}): HttpHandler {
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
      drPosture: new DrPostureService(
        new DynamoDrPostureStore(deps.dynamo, deps.tableName),
        options.tableBackup ?? LOCAL_TABLE_BACKUP,
      ),
    },
    tableApi(deps),
  );
}
