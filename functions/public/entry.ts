import { pipelineSettings } from '../shared/wiring/pipeline-settings.js';
import { createPublicHandler } from './handler.js';

/** Health and the OpenAPI document: no table, no secret, so no AWS client at all. */
export const handler = createPublicHandler({
  ...pipelineSettings(),
  cursorKey: () => Promise.reject(new Error('the public function serves no paginated lists')),
});
