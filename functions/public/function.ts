import { plainApi } from '../shared/http/pipeline.js';
import type { PipelineDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import { createPublicHandler } from './http/handler.js';

/** Health and the OpenAPI document: no table, no secret, so no AWS client at all. */
export const PUBLIC_ENVIRONMENT = defineEnvironment({ CORS_ORIGINS: optional(), GROUPS_CLAIM: required() });

export function assemblePublic(deps: Omit<PipelineDeps, 'cursorKey'>) {
  return createPublicHandler(
    plainApi({
      ...deps,
      cursorKey: () => Promise.reject(new Error('the public function serves no paginated lists')),
    }),
  );
}
