import type { HttpDeps } from '../wiring/deps.js';
import { postIdempotency } from './middleware/post-idempotency.js';
import type { Operation } from './operation.js';
import { type HttpHandler, httpApi } from './pipeline.js';

/**
 * The HTTP pipeline of a function that owns records: its POSTs honour Idempotency-Key, recorded in
 * the same table. Kept apart from pipeline.ts so the public function bundles no idempotency layer.
 */
export function tableHttpApi(operations: Record<string, Operation>, deps: HttpDeps): HttpHandler {
  return httpApi(operations, deps, postIdempotency(deps.dynamo, deps.tableName));
}

/**
 * Turns a capability's operations into its Lambda handler. Handlers receive one of these and their
 * services, never the table client: the assembly (each function's function.ts) decides the rest.
 */
export type ApiBuilder = (operations: Record<string, Operation>) => HttpHandler;

/** Operations over the table: POSTs honour Idempotency-Key. */
export function tableApi(deps: HttpDeps): ApiBuilder {
  return (operations) => tableHttpApi(operations, deps);
}
