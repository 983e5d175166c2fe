import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { forCaller } from '../../tickets/access.js';
import { assertCatalogAdmin } from '../access.js';
import type { CatalogItemService } from '../item-service.js';
import type { CatalogItemInput } from '../model.js';
import type { RequestService } from '../request-service.js';
import { CATALOG_CONTRACT as CONTRACT } from './contract.js';

export interface CatalogServices {
  readonly items: CatalogItemService;
  readonly requests: RequestService;
}

export function createCatalogHandler({ items, requests }: CatalogServices, api: ApiBuilder): HttpHandler {
  return api({
    'GET /catalog/items': operation({
      ...CONTRACT['GET /catalog/items'],
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, ...filter } = query;
        return {
          status: 200,
          body: await pageBody(await items.list(caller, filter, await page({ limit, cursor }))),
        };
      },
    }),
    'GET /catalog/items/{id}': operation({
      ...CONTRACT['GET /catalog/items/{id}'],
      handle: async ({ caller, params }) => {
        const item = await items.get(caller, params.id!);
        return { status: 200, body: item, headers: { etag: etagOf(item.version) } };
      },
    }),
    'PUT /catalog/items/{id}': operation({
      ...CONTRACT['PUT /catalog/items/{id}'],
      authorize: assertCatalogAdmin,
      handle: async ({ caller, params, body, headers }) => {
        const id = params.id!;
        const { item, created } = await items.put(
          caller,
          id,
          body as CatalogItemInput,
          versionFromIfMatch(headers['if-match']),
        );
        return {
          status: created ? 201 : 200,
          body: item,
          headers: { etag: etagOf(item.version), ...(created ? { location: `/catalog/items/${id}` } : {}) },
        };
      },
    }),
    'POST /catalog/items/{id}/requests': operation({
      ...CONTRACT['POST /catalog/items/{id}/requests'],
      handle: async ({ caller, params, body }) => {
        const ticket = await requests.submit(caller, params.id!, body);
        return {
          status: 201,
          // Requesters never see the agents-only parts (metrics, docs/ticket-metrics.md#metrics).
          body: forCaller(ticket, caller),
          headers: { location: `/tickets/${ticket.id}`, etag: etagOf(ticket.version) },
        };
      },
    }),
    'POST /tickets/{id}/approvals': operation({
      ...CONTRACT['POST /tickets/{id}/approvals'],
      handle: async ({ caller, params, body }) => {
        const ticket = await requests.decide(caller, params.id!, body);
        return { status: 200, body: forCaller(ticket, caller), headers: { etag: etagOf(ticket.version) } };
      },
    }),
    'GET /tickets/{id}/tasks': operation({
      ...CONTRACT['GET /tickets/{id}/tasks'],
      handle: async ({ caller, params }) => ({
        status: 200,
        body: { items: await requests.listTasks(caller, params.id!) },
      }),
    }),
    'PATCH /tickets/{id}/tasks/{stepId}': operation({
      ...CONTRACT['PATCH /tickets/{id}/tasks/{stepId}'],
      handle: async ({ caller, params, body, headers }) => {
        const { ticket, task } = await requests.patchTask(
          caller,
          params.id!,
          params.stepId!,
          body,
          versionFromIfMatch(headers['if-match']),
        );
        return { status: 200, body: task, headers: { etag: etagOf(ticket.version) } };
      },
    }),
  });
}
