import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { assertIntegrationAdmin, type IntegrationService, intakePath } from '../integrations.js';
import type { IntegrationSettings } from '../model.js';
import { ALERTS_CONTRACT as CONTRACT } from './contract.js';

/** The integrations admin routes (docs/alerts.md#integrations); intake has its own adapter (intake-http.ts). */
export function createIntegrationsHandler(integrations: IntegrationService, api: ApiBuilder): HttpHandler {
  return api({
    'GET /integrations': operation({
      ...CONTRACT['GET /integrations'],
      authorize: assertIntegrationAdmin,
      handle: async ({ caller, query, page, pageBody }) => ({
        status: 200,
        body: await pageBody(await integrations.list(caller, await page(query))),
      }),
    }),
    'GET /integrations/{id}': operation({
      ...CONTRACT['GET /integrations/{id}'],
      authorize: assertIntegrationAdmin,
      handle: async ({ caller, params }) => {
        const integration = await integrations.get(caller, params.id!);
        return { status: 200, body: integration, headers: { etag: etagOf(integration.version) } };
      },
    }),
    'PUT /integrations/{id}': operation({
      ...CONTRACT['PUT /integrations/{id}'],
      authorize: assertIntegrationAdmin,
      handle: async ({ caller, params, body, headers }) => {
        const id = params.id!;
        const { integration, created, secret } = await integrations.put(
          caller,
          id,
          body as IntegrationSettings,
          versionFromIfMatch(headers['if-match']),
        );
        return {
          status: created ? 201 : 200,
          body: { ...integration, ...(secret ? { secret } : {}), url: urlOf(integration) },
          headers: {
            etag: etagOf(integration.version),
            ...(created ? { location: `/integrations/${id}` } : {}),
          },
        };
      },
    }),
    'POST /integrations/{id}/secret': operation({
      ...CONTRACT['POST /integrations/{id}/secret'],
      authorize: assertIntegrationAdmin,
      handle: async ({ caller, params }) => {
        const integration = await integrations.get(caller, params.id!);
        const { secret, previousValidUntil } = await integrations.rotate(caller, params.id!);
        return { status: 201, body: { secret, url: urlOf(integration), previousValidUntil } };
      },
    }),
  });
}

function urlOf(integration: { id: string; kind: string }): string {
  return intakePath(integration.id);
}
