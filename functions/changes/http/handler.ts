import { ValidationError } from '../../shared/errors.js';
import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import {
  assertApprover,
  assertChangeWorker,
  assertFreezeWindowAdmin,
  assertFreezeWindowReader,
} from '../access.js';
import type { FreezeWindowService } from '../freeze-windows.js';
import type { ChangeService } from '../service.js';
import { CHANGES_CONTRACT as CONTRACT } from './contract.js';
import { freezeWindowIdSchema } from './schemas.js';

/** The changes bounded context (docs/changes.md#api): changes, their human answers, and freeze windows. */
export interface ChangesServices {
  readonly changes: ChangeService;
  readonly freezes: FreezeWindowService;
}

export function createChangesHandler({ changes, freezes }: ChangesServices, api: ApiBuilder): HttpHandler {
  return api({
    'POST /changes': operation({
      ...CONTRACT['POST /changes'],
      authorize: (caller) => assertChangeWorker(caller, 'create changes'),
      handle: async ({ caller, body }) => {
        const change = await changes.create(caller, body);
        return {
          status: 201,
          body: change,
          headers: { location: `/changes/${change.id}`, etag: etagOf(change.version) },
        };
      },
    }),
    'GET /changes': operation({
      ...CONTRACT['GET /changes'],
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, ...filters } = query;
        return {
          status: 200,
          body: await pageBody(await changes.list(caller, filters, await page({ limit, cursor }))),
        };
      },
    }),
    'GET /changes/{id}': operation({
      ...CONTRACT['GET /changes/{id}'],
      handle: async ({ caller, params }) => {
        const change = await changes.get(caller, params.id!);
        return { status: 200, body: change, headers: { etag: etagOf(change.version) } };
      },
    }),
    'GET /changes/{id}/history': operation({
      ...CONTRACT['GET /changes/{id}/history'],
      handle: async ({ caller, params, query, page, pageBody }) => ({
        status: 200,
        body: await pageBody(await changes.listHistory(caller, params.id!, await page(query))),
      }),
    }),
    'POST /changes/{id}/submit': operation({
      ...CONTRACT['POST /changes/{id}/submit'],
      authorize: (caller) => assertChangeWorker(caller, 'submit changes'),
      handle: async ({ caller, params }) => ({
        status: 200,
        body: await changes.submit(caller, params.id!),
      }),
    }),
    'POST /changes/{id}/approvals': operation({
      ...CONTRACT['POST /changes/{id}/approvals'],
      authorize: assertApprover,
      handle: async ({ caller, params, body }) => ({
        status: 200,
        body: await changes.decide(caller, params.id!, body),
      }),
    }),
    'POST /changes/{id}/implementation': operation({
      ...CONTRACT['POST /changes/{id}/implementation'],
      authorize: (caller) => assertChangeWorker(caller, 'report implementations'),
      handle: async ({ caller, params, body }) => ({
        status: 200,
        body: await changes.reportImplementation(caller, params.id!, body),
      }),
    }),
    'POST /changes/{id}/review': operation({
      ...CONTRACT['POST /changes/{id}/review'],
      authorize: (caller) => assertChangeWorker(caller, 'review changes'),
      handle: async ({ caller, params, body }) => ({
        status: 200,
        body: await changes.review(caller, params.id!, body.notes),
      }),
    }),
    'POST /changes/{id}/cancel': operation({
      ...CONTRACT['POST /changes/{id}/cancel'],
      authorize: (caller) => assertChangeWorker(caller, 'cancel changes'),
      handle: async ({ caller, params, body }) => ({
        status: 200,
        body: await changes.cancel(caller, params.id!, body.reason),
      }),
    }),
    'GET /freeze-windows': operation({
      ...CONTRACT['GET /freeze-windows'],
      authorize: assertFreezeWindowReader,
      handle: async ({ caller, query, page, pageBody }) => ({
        status: 200,
        body: await pageBody(await freezes.list(caller, await page(query))),
      }),
    }),
    'GET /freeze-windows/{id}': operation({
      ...CONTRACT['GET /freeze-windows/{id}'],
      authorize: assertFreezeWindowReader,
      handle: async ({ caller, params }) => {
        const window = await freezes.get(caller, params.id!);
        return { status: 200, body: window, headers: { etag: etagOf(window.version) } };
      },
    }),
    'PUT /freeze-windows/{id}': operation({
      ...CONTRACT['PUT /freeze-windows/{id}'],
      authorize: assertFreezeWindowAdmin,
      handle: async ({ caller, params, body, headers }) => {
        const id = params.id!;
        if (!freezeWindowIdSchema.safeParse(id).success) {
          throw new ValidationError([
            { path: 'id', message: 'must be lowercase letters, digits and hyphens (max 63)' },
          ]);
        }
        const { window, created } = await freezes.put(
          caller,
          id,
          body,
          versionFromIfMatch(headers['if-match']),
        );
        return {
          status: created ? 201 : 200,
          body: window,
          headers: {
            etag: etagOf(window.version),
            ...(created ? { location: `/freeze-windows/${id}` } : {}),
          },
        };
      },
    }),
  });
}
