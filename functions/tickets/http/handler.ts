import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { assertReportReader, type SlaReportService } from '../../sla/report-service.js';
import { assertStaff } from '../access.js';
import type { TicketService } from '../service.js';
import { TICKETS_CONTRACT as CONTRACT } from './contract.js';

/** The tickets bounded context: tickets, comments, history and links (docs/api.md). */
export interface TicketsServices {
  readonly tickets: TicketService;
  readonly reports: SlaReportService;
}

export function createTicketsHandler({ tickets, reports }: TicketsServices, api: ApiBuilder): HttpHandler {
  return api({
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
  });
}
