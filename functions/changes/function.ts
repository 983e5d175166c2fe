import { ciDirectory } from '../cmdb/store/wiring.js';
import { STRICT_CI_IDS_ENVIRONMENT } from '../cmdb/strict-ci-ids.js';
import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT, required } from '../shared/wiring/environment.js';
import { FreezeWindowService } from './freeze-windows.js';
import { createChangesHandler } from './http/handler.js';
import { ChangeService } from './service.js';
import { DynamoChangeRepository } from './store/dynamodb-change-store.js';
import { DynamoFreezeWindowRepository } from './store/dynamodb-freeze-window-store.js';
import { DynamoIncidentLinkStore } from './store/dynamodb-incident-link-store.js';
import type { WorkflowDeps } from './workflow/change-workflow.js';

/** Changes, their human answers, and freeze windows; the workflow runs on Step Functions. */
export const CHANGES_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  STATE_MACHINE_ARN: required(),
  ...STRICT_CI_IDS_ENVIRONMENT,
});

export interface ChangesOptions {
  /** Default true: unknown or retired CIs are refused (422). */
  readonly strictCiIds?: boolean;
}

export function assembleChanges(deps: HttpDeps & WorkflowDeps, options: ChangesOptions = {}): HttpHandler {
  const newId = idsOn(deps.clock);
  const changes = new ChangeService(
    new DynamoChangeRepository(deps.dynamo, deps.tableName),
    groupStore(deps),
    deps.workflow,
    deps.clock,
    newId,
    {
      directory: ciDirectory(deps),
      strictCiIds: options.strictCiIds ?? true,
      incidentLinks: new DynamoIncidentLinkStore(deps.dynamo, deps.tableName),
    },
  );
  const freezes = new FreezeWindowService(
    new DynamoFreezeWindowRepository(deps.dynamo, deps.tableName),
    deps.clock,
  );
  return createChangesHandler({ changes, freezes }, tableApi(deps));
}
