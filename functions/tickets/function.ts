import { DynamoIncidentLinkStore } from '../changes/store/dynamodb-incident-link-store.js';
import { ciDirectory } from '../cmdb/store/wiring.js';
import { STRICT_CI_IDS_ENVIRONMENT } from '../cmdb/strict-ci-ids.js';
import { DynamoPersonDirectory } from '../email/store/mail-directory.js';
import { DEFAULT_TICKET_GROUP } from '../groups/model.js';
import { groupStore } from '../groups/store/wiring.js';
import { knownErrorsForTickets } from '../problems/store/wiring.js';
import { IndexSearch } from '../search/search-service.js';
import { searchIndexStore } from '../search/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import { rememberedSightings } from '../shared/people.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT, optional } from '../shared/wiring/environment.js';
import { SlaReportService } from '../sla/report-service.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { TicketCountService } from './counts.js';
import { createTicketsHandler } from './http/handler.js';
import { TicketService } from './service.js';
import { DynamoTicketCountStore } from './store/dynamodb-ticket-count-store.js';
import { DynamoViewStore } from './store/dynamodb-view-store.js';
import { ticketStore } from './store/wiring.js';
import { ViewService } from './views.js';

/** The tickets function: what it reads from its environment, and how it is put together. */
export const TICKETS_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  /** The group tickets created without one go to (stack config `defaultGroup`). */
  DEFAULT_GROUP: optional(DEFAULT_TICKET_GROUP),
  ...STRICT_CI_IDS_ENVIRONMENT,
});

export interface TicketsOptions {
  /** Default: the seeded service desk (DEFAULT_TICKET_GROUP). */
  readonly defaultGroup?: string;
  /** `cmdb.strictCiIds`; default true (TicketServiceOptions). */
  readonly strictCiIds?: boolean;
}

/** One assembly for the Lambda entry and the local runtime: stores behind their caches, then services. */
export function assembleTickets(deps: HttpDeps, options: TicketsOptions = {}): HttpHandler {
  const store = ticketStore(deps);
  const slaConfig = slaConfigStore(deps);
  const tickets = new TicketService(
    store,
    groupStore(deps),
    slaConfig,
    ciDirectory(deps),
    deps.clock,
    idsOn(deps.clock),
    {
      defaultGroup: options.defaultGroup ?? DEFAULT_TICKET_GROUP,
      strictCiIds: options.strictCiIds ?? true,
      search: new IndexSearch(searchIndexStore(deps)),
      // Suggestions at creation and a problem's known error (docs/problems.md).
      ...knownErrorsForTickets(deps),
      // `caused_by_change` links, with the change's reverse item in the same transaction.
      changeLinks: new DynamoIncidentLinkStore(deps.dynamo, deps.tableName),
    },
  );
  // A caller whose token vouches for their address enters the people directory on first sight,
  // as a mail sender does (docs/email.md#people); once per person and container.
  const directory = new DynamoPersonDirectory(deps.dynamo, deps.tableName);
  const people = rememberedSightings({
    sighted: async ({ email, name }) => {
      await directory.firstSight(email, name, deps.clock.now());
    },
  });
  const ids = idsOn(deps.clock);
  const counts = new TicketCountService(new DynamoTicketCountStore(deps.dynamo, deps.tableName));
  const views = new ViewService(
    new DynamoViewStore(deps.dynamo, deps.tableName),
    groupStore(deps),
    deps.clock,
    ids,
  );
  return createTicketsHandler(
    { tickets, reports: new SlaReportService(store, slaConfig), counts, views },
    tableApi({ ...deps, people }),
  );
}
