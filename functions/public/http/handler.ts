import { operation } from '../shared/http/operation.js';
import { type HttpHandler, httpApi } from '../shared/http/pipeline.js';
import type { PipelineDeps } from '../shared/wiring/deps.js';
import { PUBLIC_CONTRACT as CONTRACT } from './contract.js';
import { buildOpenApiDocument } from './openapi.js';

/** Unauthenticated routes: liveness and the API description. */
export function createPublicHandler(deps: PipelineDeps): HttpHandler {
  let document: Record<string, unknown> | undefined;
  return httpApi(
    {
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
    },
    deps,
  );
}
