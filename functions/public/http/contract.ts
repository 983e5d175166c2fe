import * as z from 'zod/mini';
import type { RouteContract } from '../../shared/http/route-contract.js';
import { withMeta } from '../../shared/http/schemas.js';

const healthSchema = withMeta(z.object({ status: z.literal('ok') }), { id: 'Health' });

/** This document: an OpenAPI 3.1 object (its own specification describes the rest). */
const openApiSchema = withMeta(
  z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
  {
    id: 'OpenApiDocument',
    description: 'An OpenAPI 3.1 document',
  },
);

/** Unauthenticated routes: liveness and this API description. */
export const PUBLIC_CONTRACT = {
  'GET /health': {
    summary: 'Liveness',
    description:
      'Answers `{"status": "ok"}` while the API is up. No token needed; it reads no data, and API Gateway throttles it lower than the rest of the API.',
    success: { status: 200, schema: healthSchema },
  },
  'GET /openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    description:
      'This document, generated from the route table and the schemas the handlers validate with. No token needed; generate typed clients from it (docs/api.md#typed-clients).',
    success: { status: 200, schema: openApiSchema },
  },
} as const satisfies Record<string, RouteContract>;
