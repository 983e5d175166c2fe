import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { assertKnownErrorWriter, assertSuggestionReader } from '../access.js';
import type { KnownErrorApplication } from '../apply-service.js';
import type { KnownErrorService } from '../known-error-service.js';
import type { KnownErrorInput } from '../model.js';
import { PROBLEMS_CONTRACT as CONTRACT } from './contract.js';

/** Known errors (docs/problems.md): records, suggestions on incidents, and applying them. */
export interface ProblemsServices {
  readonly knownErrors: KnownErrorService;
  readonly application: KnownErrorApplication;
}

export function createProblemsHandler(
  { knownErrors, application }: ProblemsServices,
  api: ApiBuilder,
): HttpHandler {
  return api({
    'POST /known-errors': operation({
      ...CONTRACT['POST /known-errors'],
      authorize: (caller) => assertKnownErrorWriter(caller, 'write known errors'),
      handle: async ({ caller, body }) => {
        const error = await knownErrors.create(caller, body as KnownErrorInput);
        return {
          status: 201,
          body: error,
          headers: { location: `/known-errors/${error.id}`, etag: etagOf(error.version) },
        };
      },
    }),
    'GET /known-errors': operation({
      ...CONTRACT['GET /known-errors'],
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, ...filter } = query;
        const result = await knownErrors.list(caller, filter, await page({ limit, cursor }));
        return { status: 200, body: await pageBody(result) };
      },
    }),
    'GET /known-errors/{id}': operation({
      ...CONTRACT['GET /known-errors/{id}'],
      handle: async ({ caller, params }) => {
        const error = await knownErrors.get(caller, params.id!);
        return { status: 200, body: error, headers: { etag: etagOf(error.version) } };
      },
    }),
    'PATCH /known-errors/{id}': operation({
      ...CONTRACT['PATCH /known-errors/{id}'],
      authorize: (caller) => assertKnownErrorWriter(caller, 'write known errors'),
      handle: async ({ caller, params, body, headers }) => {
        const error = await knownErrors.update(
          caller,
          params.id!,
          body,
          versionFromIfMatch(headers['if-match']),
        );
        return { status: 200, body: error, headers: { etag: etagOf(error.version) } };
      },
    }),
    'GET /tickets/{id}/known-errors': operation({
      ...CONTRACT['GET /tickets/{id}/known-errors'],
      authorize: assertSuggestionReader,
      handle: async ({ caller, params }) => ({
        status: 200,
        body: { items: await application.suggestions(caller, params.id!) },
      }),
    }),
    'POST /tickets/{id}/known-errors/{keId}/apply': operation({
      ...CONTRACT['POST /tickets/{id}/known-errors/{keId}/apply'],
      authorize: assertSuggestionReader,
      handle: async ({ caller, params, body }) => {
        const ticket = await application.apply(caller, params.id!, params.keId!, body);
        return { status: 200, body: ticket, headers: { etag: etagOf(ticket.version) } };
      },
    }),
  });
}
