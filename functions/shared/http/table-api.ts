import type { HttpDeps } from '../wiring/deps.js';
import { postIdempotency } from './middleware/post-idempotency.js';
import { type ApiBuilder, httpApi } from './pipeline.js';

/**
 * Operations of a function that owns records: its POSTs honour Idempotency-Key, recorded in the
 * same table. Kept apart from pipeline.ts so the public function bundles no idempotency layer.
 */
export function tableApi(deps: HttpDeps): ApiBuilder {
  const idempotency = postIdempotency(deps.dynamo, deps.tableName);
  return (operations) => httpApi(operations, deps, idempotency);
}
