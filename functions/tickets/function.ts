import { monotonicFactory } from 'ulid';
import { groupStore } from '../groups/store/wiring.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT } from '../shared/wiring/environment.js';
import { SlaReportService } from '../sla/report-service.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { createTicketsHandler } from './http/handler.js';
import { TicketService } from './service.js';
import { ticketStore } from './store/wiring.js';

/** The tickets function: what it reads from its environment, and how it is put together. */
export const TICKETS_ENVIRONMENT = defineEnvironment(HTTP_TABLE_ENVIRONMENT);

/** One assembly for the Lambda entry and the local runtime: stores behind their caches, then services. */
export function assembleTickets(deps: HttpDeps): HttpHandler {
  const ulid = monotonicFactory();
  const store = ticketStore(deps);
  const slaConfig = slaConfigStore(deps);
  const tickets = new TicketService(store, groupStore(deps), slaConfig, deps.clock, () =>
    ulid(deps.clock.now().getTime()),
  );
  return createTicketsHandler({ tickets, reports: new SlaReportService(store, slaConfig) }, tableApi(deps));
}
