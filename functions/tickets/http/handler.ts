import { monotonicFactory } from 'ulid';
import { groupStore } from '../../groups/store/wiring.js';
import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { HttpHandler } from '../../shared/http/pipeline.js';
import { tableHttpApi } from '../../shared/http/table-api.js';
import type { HttpDeps } from '../../shared/wiring/deps.js';
import { assertReportReader, SlaReportService } from '../../sla/report-service.js';
import { slaConfigStore } from '../../sla/store/wiring.js';
import { assertStaff } from '../access.js';
import { TicketService } from '../service.js';
import { ticketStore } from '../store/wiring.js';
import { TICKETS_CONTRACT as CONTRACT } from './contract.js';

/** The tickets bounded context: tickets, comments, history and links (SPEC §3–4). */
export function createTicketsHandler(deps: HttpDeps): HttpHandler {
  const ulid = monotonicFactory();
  const repository = ticketStore(deps);
  const slaConfig = slaConfigStore(deps);
  const tickets = new TicketService(repository, groupStore(deps), slaConfig, deps.clock, () =>
    ulid(deps.clock.now().getTime()),
  );

  const reports = new SlaReportService(repository, slaConfig);

  return tableHttpApi(
    {
      'GET /reports/sla': operation({
        ...CONTRACT['GET /reports/sla'],
        authorize: assertReportReader,
        handle: async ({ caller, query }) => ({
          status: 200,
          body: await reports.report(caller, new Date(query.from), new Date(query.to), query.type),
        }),
      }),
      'POST /tickets': operation({
        ...CONTRACT['POST /tickets'],
        handle: async ({ caller, body }) => {
          const ticket = await tickets.create(caller, body);
          return {
            status: 201,
            body: ticket,
            headers: { location: `/tickets/${ticket.id}`, etag: etagOf(ticket.version) },
          };
        },
      }),
      'GET /tickets': operation({
        ...CONTRACT['GET /tickets'],
        handle: async ({ caller, query, page, pageBody }) => {
          const { limit, cursor, ...filters } = query;
          const result = await tickets.list(caller, filters, await page({ limit, cursor }));
          return { status: 200, body: await pageBody(result) };
        },
      }),
      'GET /tickets/{id}': operation({
        ...CONTRACT['GET /tickets/{id}'],
        handle: async ({ caller, params }) => {
          const ticket = await tickets.get(caller, params.id!);
          return { status: 200, body: ticket, headers: { etag: etagOf(ticket.version) } };
        },
      }),
      'PATCH /tickets/{id}': operation({
        ...CONTRACT['PATCH /tickets/{id}'],
        handle: async ({ caller, params, body, headers }) => {
          const ifMatch = versionFromIfMatch(headers['if-match']);
          const ticket = await tickets.update(caller, params.id!, body, ifMatch);
          return { status: 200, body: ticket, headers: { etag: etagOf(ticket.version) } };
        },
      }),
      'POST /tickets/{id}/comments': operation({
        ...CONTRACT['POST /tickets/{id}/comments'],
        handle: async ({ caller, params, body }) => {
          const comment = await tickets.comment(caller, params.id!, body);
          return {
            status: 201,
            body: comment,
            headers: { location: `/tickets/${params.id}/comments/${comment.id}` },
          };
        },
      }),
      'GET /tickets/{id}/comments': operation({
        ...CONTRACT['GET /tickets/{id}/comments'],
        handle: async ({ caller, params, query, page, pageBody }) => {
          const result = await tickets.listComments(caller, params.id!, await page(query));
          return { status: 200, body: await pageBody(result) };
        },
      }),
      'GET /tickets/{id}/history': operation({
        ...CONTRACT['GET /tickets/{id}/history'],
        handle: async ({ caller, params, query, page, pageBody }) => {
          const result = await tickets.listHistory(caller, params.id!, await page(query));
          return { status: 200, body: await pageBody(result) };
        },
      }),
      'POST /tickets/{id}/links': operation({
        ...CONTRACT['POST /tickets/{id}/links'],
        authorize: (caller) => assertStaff(caller, 'link tickets'),
        handle: async ({ caller, params, body }) => {
          const ticket = await tickets.link(caller, params.id!, body);
          return { status: 201, body: ticket, headers: { etag: etagOf(ticket.version) } };
        },
      }),
    },
    deps,
  );
}
