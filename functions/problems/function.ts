import { ciDirectory } from '../cmdb/store/wiring.js';
import { STRICT_CI_IDS_ENVIRONMENT } from '../cmdb/strict-ci-ids.js';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT } from '../shared/wiring/environment.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { KnownErrorApplication } from './apply-service.js';
import { createProblemsHandler } from './http/handler.js';
import { KnownErrorService } from './known-error-service.js';
import { knownErrorStore } from './store/wiring.js';

/** The problems function: known errors and their use on incidents (docs/problems.md). */
export const PROBLEMS_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  ...STRICT_CI_IDS_ENVIRONMENT,
});

export interface ProblemsOptions {
  /** `cmdb.strictCiIds`; default true. */
  readonly strictCiIds?: boolean;
}

/** One assembly for the Lambda entry and the local runtime. */
export function assembleProblems(deps: HttpDeps, options: ProblemsOptions = {}): HttpHandler {
  const store = knownErrorStore(deps);
  const newId = idsOn(deps.clock);
  return createProblemsHandler(
    {
      knownErrors: new KnownErrorService(
        store,
        ciDirectory(deps),
        deps.clock,
        newId,
        options.strictCiIds ?? true,
      ),
      application: new KnownErrorApplication(
        ticketStore(deps),
        store,
        slaConfigStore(deps),
        deps.clock,
        newId,
      ),
    },
    tableApi(deps),
  );
}
