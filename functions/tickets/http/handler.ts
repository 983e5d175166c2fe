import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { assertReportReader, type SlaReportService } from '../../sla/report-service.js';
import { assertStaff, forCaller } from '../access.js';
import { parseCountParams, type TicketCountService } from '../counts.js';
import { parseQueueParams, QUEUE_PARAM_NAMES, queueParamsOf, type TicketQuery } from '../queue.js';
import type { TicketService } from '../service.js';
import type { ViewService } from '../views.js';
import { TICKETS_CONTRACT as CONTRACT } from './contract.js';

/** The tickets bounded context: tickets, comments, history and links (docs/api.md). */
export interface TicketsServices {
  readonly tickets: TicketService;
  readonly reports: SlaReportService;
  /** Live queue counts (absent: the route answers 404, as in an assembly without them). */
  readonly counts?: TicketCountService;
  readonly views?: ViewService;
}

export function createTicketsHandler(
  { tickets, reports, counts, views }: TicketsServices,
  api: ApiBuilder,
): HttpHandler {
  const viewsOf = () => {
    if (!views) throw new NotFoundError('saved views are not set up here');
    return views;
  };
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
          body: forCaller(ticket, caller),
          headers: { location: `/tickets/${ticket.id}`, etag: etagOf(ticket.version) },
        };
      },
    }),
    'GET /tickets': operation({
      ...CONTRACT['GET /tickets'],
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, view, ...raw } = query;
        const q = (raw as { q?: string }).q;
        let filters: TicketQuery;
        if (view !== undefined) {
          const alongside = QUEUE_PARAM_NAMES.filter((name) => raw[name] !== undefined);
          if (alongside.length > 0) {
            throw new ValidationError(
              alongside.map((name) => ({
                path: name,
                message: 'cannot be combined with view (the view sets it)',
              })),
            );
          }
          filters = await viewsOf().queryOf(caller, view);
        } else {
          filters = parseQueueParams(queueParamsOf(raw));
        }
        // The resume key names the query it belongs to: a view edited between pages invalidates its cursors.
        const bound = queryFingerprint({ ...filters, q });
        const request = await page({ limit, cursor });
        let startKey = request.startKey;
        if (startKey) {
          const { query: of, ...rest } = startKey;
          if (of !== bound) {
            throw new ValidationError([{ path: 'cursor', message: 'is not a cursor issued for this query' }]);
          }
          startKey = rest;
        }
        const listed = await tickets.list(caller, q === undefined ? filters : { ...filters, q }, {
          limit: request.limit,
          ...(startKey && { startKey }),
        });
        const result = { ...listed, items: listed.items.map((ticket) => forCaller(ticket, caller)) };
        return {
          status: 200,
          body: await pageBody(
            result.lastKey ? { ...result, lastKey: { ...result.lastKey, query: bound } } : result,
          ),
        };
      },
    }),
    'GET /tickets/counts': operation({
      ...CONTRACT['GET /tickets/counts'],
      handle: async ({ caller, query }) => {
        if (!counts) throw new NotFoundError('queue counts are not set up here');
        return { status: 200, body: await counts.counts(caller, parseCountParams(query)) };
      },
    }),
    'GET /views': operation({
      ...CONTRACT['GET /views'],
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, group } = query;
        const result = await viewsOf().list(caller, group, await page({ limit, cursor }));
        return { status: 200, body: await pageBody(result) };
      },
    }),
    'POST /views': operation({
      ...CONTRACT['POST /views'],
      handle: async ({ caller, body }) => {
        const view = await viewsOf().create(caller, body);
        return {
          status: 201,
          body: view,
          headers: { location: `/views/${view.id}`, etag: etagOf(view.version) },
        };
      },
    }),
    'GET /views/{id}': operation({
      ...CONTRACT['GET /views/{id}'],
      handle: async ({ caller, params }) => {
        const view = await viewsOf().get(caller, params.id!);
        return { status: 200, body: view, headers: { etag: etagOf(view.version) } };
      },
    }),
    'PUT /views/{id}': operation({
      ...CONTRACT['PUT /views/{id}'],
      handle: async ({ caller, params, body, headers }) => {
        const ifMatch = versionFromIfMatch(headers['if-match']);
        const view = await viewsOf().replace(caller, params.id!, body, ifMatch);
        return { status: 200, body: view, headers: { etag: etagOf(view.version) } };
      },
    }),
    'DELETE /views/{id}': operation({
      ...CONTRACT['DELETE /views/{id}'],
      handle: async ({ caller, params }) => {
        await viewsOf().remove(caller, params.id!);
        return { status: 204 };
      },
    }),
    'GET /tickets/{id}': operation({
      ...CONTRACT['GET /tickets/{id}'],
      handle: async ({ caller, params }) => {
        const ticket = await tickets.get(caller, params.id!);
        return { status: 200, body: forCaller(ticket, caller), headers: { etag: etagOf(ticket.version) } };
      },
    }),
    'PATCH /tickets/{id}': operation({
      ...CONTRACT['PATCH /tickets/{id}'],
      handle: async ({ caller, params, body, headers }) => {
        const ifMatch = versionFromIfMatch(headers['if-match']);
        const ticket = await tickets.update(caller, params.id!, body, ifMatch);
        return { status: 200, body: forCaller(ticket, caller), headers: { etag: etagOf(ticket.version) } };
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

/** A short digest of a resolved query (sorted keys), stored in its cursors' resume keys. */
function queryFingerprint(query: object): string {
  const canonical = JSON.stringify(query, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
