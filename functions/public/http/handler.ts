import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { PUBLIC_CONTRACT as CONTRACT } from './contract.js';
import { buildOpenApiDocument } from './openapi.js';

/** Unauthenticated routes: liveness and the API description. */
export function createPublicHandler(api: ApiBuilder): HttpHandler {
  let document: Record<string, unknown> | undefined;
  return api({
    'GET /health': operation({
      ...CONTRACT['GET /health'],
      handle: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    'GET /openapi.json': operation({
      ...CONTRACT['GET /openapi.json'],
      // Built on first request, not at cold start: most invocations of this function are /health.
      handle: async () => {
        document ??= buildOpenApiDocument();
        return { status: 200, body: document };
      },
    }),
  });
}
