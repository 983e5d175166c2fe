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
  'GET /health': { summary: 'Liveness', success: { status: 200, schema: healthSchema } },
  'GET /openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    success: { status: 200, schema: openApiSchema },
  },
} as const satisfies Record<string, RouteContract>;
