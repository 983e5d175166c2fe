import * as z from 'zod/mini';
import { CONTRACT, type RouteContract } from './contract.js';
import { ROUTES, routeKey } from './routes.js';
import { problemSchema } from './schemas/common.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request: malformed JSON, unknown fields, wrong types or out-of-range values',
  401: 'Missing or invalid bearer token',
  403: 'The caller may see the record but not do this',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state (the body names the allowed moves), or a duplicate request still running',
  412: 'If-Match names a version that is no longer current',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Idempotency-Key reused with a different body, or unprocessable',
};

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas the handlers
 * validate with. Schemas with a `meta({id})` become named components.
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  // zod emits named schemas (meta id) under $defs; hoist them into components.
  const toSchema = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
    const {
      $schema: _,
      $defs,
      ...rest
    } = JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    Object.assign(components, $defs);
    return rest;
  };
  toSchema(problemSchema, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const contract = (CONTRACT as Record<string, RouteContract>)[routeKey(route)];
    if (!contract) throw new Error(`route ${routeKey(route)} has no contract`);
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = contract.query ? queryParameters(toSchema(contract.query, 'input'), components) : [];
    const headerParams =
      route.method === 'POST' && route.authenticated
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 255 },
            },
          ]
        : route.method === 'PATCH' || route.method === 'PUT'
          ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }]
          : [];
    const errorStatuses = route.authenticated ? [400, 401, 403, ...(contract.errors ?? [])] : [];
    if (contract.body) errorStatuses.push(413, 415);
    const responses: Record<string, unknown> = {
      [contract.success.status]: {
        description: contract.summary,
        ...(contract.success.headers
          ? {
              headers: Object.fromEntries(
                contract.success.headers.map((name) => [name, { schema: { type: 'string' } }]),
              ),
            }
          : {}),
        ...(contract.success.schema
          ? { content: { 'application/json': { schema: toSchema(contract.success.schema, 'output') } } }
          : {}),
      },
    };
    for (const status of [...new Set(errorStatuses)].sort()) {
      responses[status] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: contract.summary,
      ...(route.authenticated ? {} : { security: [] }),
      parameters: [...pathParams, ...queryParams, ...headerParams],
      ...(contract.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(contract.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Opsdesk API',
      version: '0.1.0',
      description: 'Incidents, service requests and problems; errors are RFC 9457 problem details.',
    },
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

/** Query parameters from an object schema (resolving its component reference). */
function queryParameters(schema: JsonSchema, components: Record<string, JsonSchema>): unknown[] {
  const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop()! : undefined;
  const resolved = ref ? components[ref]! : schema;
  if (ref) delete components[ref];
  const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}
