import { ciDirectory } from '../cmdb/store/wiring.js';
import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import { SchemaValidators } from '../shared/json-schema/compiled.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT } from '../shared/wiring/environment.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { GroupMembers } from './access.js';
import { createCatalogHandler } from './http/handler.js';
import { CatalogItemService } from './item-service.js';
import { RequestService } from './request-service.js';
import { catalogStore } from './store/wiring.js';

/** The catalog function: catalog items, request submission, approvals and tasks (docs/catalog.md). */
export const CATALOG_ENVIRONMENT = defineEnvironment({ ...HTTP_TABLE_ENVIRONMENT });

/** One assembly for the Lambda entry and the local runtime. */
export function assembleCatalog(deps: HttpDeps): HttpHandler {
  const store = catalogStore(deps);
  const groups = groupStore(deps);
  const members = new GroupMembers(groups, deps.clock);
  const cmdb = ciDirectory(deps);
  // Compiled form schemas are kept per container, keyed by `${itemId}#${version}`.
  const schemas = new SchemaValidators();
  const newId = idsOn(deps.clock);
  return createCatalogHandler(
    {
      items: new CatalogItemService(store, groups, members, cmdb, schemas, deps.clock, newId),
      requests: new RequestService(
        ticketStore(deps),
        store,
        slaConfigStore(deps),
        members,
        cmdb,
        schemas,
        deps.clock,
        newId,
      ),
    },
    tableApi(deps),
  );
}
