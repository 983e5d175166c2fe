import * as z from 'zod/mini';
import { MAX_BODY_BYTES } from '../../shared/http/decode.js';
import { PATH_ID_PATTERN } from '../../shared/http/pipeline.js';
import { ROUTES, type RouteDefinition, routeKey } from '../../shared/http/routes.js';
import { problemSchema, withMeta } from '../../shared/http/schemas.js';
import { CONTRACT, type RouteContract } from './all-contracts.js';

type JsonSchema = Record<string, unknown>;

/** Create-or-replace PUTs: 201 with Location when they create, the contract's 200 otherwise. */

/** What API Gateway itself answers (JWT authorizer 401, throttling 429, a failed function 500). */
const gatewayMessageSchema = withMeta(z.object({ message: z.string() }), {
  id: 'GatewayMessage',
  description: 'A response of API Gateway itself (deployed stacks only), not of a function',
});

/** Every path parameter is a record id, checked by the pipeline before anything else (400 otherwise). */
const PATH_ID_SCHEMA = { type: 'string', minLength: 1, maxLength: 128, pattern: PATH_ID_PATTERN.source };

/** checkIdempotencyKey (middleware/post-idempotency.ts): 1–255 characters, not blank, no controls. */
const IDEMPOTENCY_KEY_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern:
    '^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$',
};

/** versionFromIfMatch (etag.ts): an ETag this API issued, weak or strong, or `*`. */
const IF_MATCH_SCHEMA = { type: 'string', pattern: '^\\s*(\\*|(W/)?"\\d{1,15}")\\s*$' };

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas the handlers
 * validate with. Schemas with a `meta({id})` become named components. Every status a route can
 * answer is listed: its success (and 201 for a PUT that creates), the pipeline's own refusals
 * (400, 401, 403, 413, 415 and 500 on every route that can reach them), the Idempotency-Key
 * answers of POSTs (409, 422), API Gateway's throttling (429), and the route's own `errors`.
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
  toSchema(gatewayMessageSchema, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const key = routeKey(route);
    const contract = (CONTRACT as Record<string, RouteContract>)[key];
    if (!contract) throw new Error(`route ${key} has no contract`);
    const shape = routeShape(route, contract);
    const pathParams = shape.pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      description: 'a record id; anything else is 400 naming this parameter',
      schema: { ...PATH_ID_SCHEMA },
    }));
    const queryParams = contract.query ? queryParameters(toSchema(contract.query, 'input'), components) : [];
    const headerParams = [
      ...(shape.idempotencyKey
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Makes a retry safe: the same key (per caller and path, for 24 h) replays the first answer. ' +
                '1–255 characters, not only white space, no control characters; otherwise 400.',
              schema: { ...IDEMPOTENCY_KEY_SCHEMA },
            },
          ]
        : []),
      ...(shape.ifMatch
        ? [
            {
              name: 'If-Match',
              in: 'header',
              required: false,
              description: 'An ETag of this record (`"3"`; `W/"3"` is accepted) or `*`; a stale one is 412',
              schema: { ...IF_MATCH_SCHEMA },
            },
          ]
        : []),
    ];

    const success = (description: string, extraHeaders: readonly string[] = []) => {
      const headers = [...extraHeaders, ...(contract.success.headers ?? [])];
      return {
        description,
        ...(headers.length > 0
          ? {
              headers: Object.fromEntries(
                [...new Set(headers)].map((name) => [name, { required: true, schema: { type: 'string' } }]),
              ),
            }
          : {}),
        ...(contract.success.schema
          ? { content: { 'application/json': { schema: toSchema(contract.success.schema, 'output') } } }
          : {}),
      };
    };
    const responses: Record<string, unknown> = shape.creates
      ? {
          [contract.success.status]: success('Replaced: the record existed'),
          201: success('Created: the record did not exist; Location names it', ['Location']),
        }
      : { [contract.success.status]: success(contract.summary) };
    for (const status of shape.errorStatuses) {
      responses[status] = errorResponse(status, shape);
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
      description:
        'Incidents, service requests and problems; errors are RFC 9457 problem details (API Gateway ' +
        'answers its own 401, 429 and 500 as `{"message": ...}`).',
    },
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

/** What the pipeline does with a route, which decides its parameters and the statuses it can answer. */
interface RouteShape {
  readonly pathParams: readonly string[];
  readonly hasBody: boolean;
  readonly hasQuery: boolean;
  readonly authenticated: boolean;
  /** POSTs of the functions that own records go through the Idempotency-Key layer (table-api.ts). */
  readonly idempotencyKey: boolean;
  readonly ifMatch: boolean;
  readonly creates: boolean;
  /** The route itself conflicts with state (its contract lists 409), besides Idempotency-Key's 409. */
  readonly stateConflict: boolean;
  readonly errorStatuses: readonly number[];
}

function routeShape(route: RouteDefinition, contract: RouteContract): RouteShape {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const creates = contract.creates === true;
  const idempotencyKey = route.method === 'POST' && route.authenticated;
  // Every route: parseJsonBody runs for all of them (413, 415, malformed JSON), a body on a route
  // that takes none is 400, API Gateway throttles every route (429), and a bug is a 500.
  const statuses = new Set<number>([400, 413, 415, 429, 500, ...(contract.errors ?? [])]);
  if (route.authenticated) {
    statuses.add(401);
    statuses.add(403);
  }
  // A record named in the path may not exist, unless the route creates it.
  if (pathParams.length > 0 && !creates) statuses.add(404);
  if (idempotencyKey) {
    statuses.add(409);
    statuses.add(422);
  }
  return {
    pathParams,
    hasBody: contract.body !== undefined,
    hasQuery: contract.query !== undefined,
    authenticated: route.authenticated,
    idempotencyKey,
    ifMatch: route.method === 'PATCH' || route.method === 'PUT',
    creates,
    stateConflict: contract.errors?.includes(409) ?? false,
    errorStatuses: [...statuses].sort((a, b) => a - b),
  };
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const GATEWAY = { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' } } };

function errorResponse(status: number, shape: RouteShape): Record<string, unknown> {
  switch (status) {
    case 400: {
      const faults = [
        shape.hasBody
          ? 'a body that is malformed JSON or breaks the schema (unknown fields, wrong types, out-of-range values, rule violations)'
          : 'a request body (this route takes none), or malformed JSON',
        ...(shape.hasQuery ? ['an invalid query parameter (unknown, wrong type, or a forged cursor)'] : []),
        ...(shape.pathParams.length > 0
          ? [
              'a path parameter that is not 1–128 letters, digits and `._:@-`, starting with a letter or digit',
            ]
          : []),
        ...(shape.ifMatch ? ['an If-Match that is not an ETag of this API'] : []),
        ...(shape.idempotencyKey
          ? ['an Idempotency-Key that is empty, blank, over 255 characters or holds control characters']
          : []),
      ];
      return {
        description: `Invalid request: ${faults.join('; ')}. \`errors\` names each fault (field, parameter or header).`,
        content: PROBLEM,
      };
    }
    case 401:
      return {
        description:
          "Missing, malformed, expired or foreign bearer token. API Gateway's JWT authorizer answers " +
          '`{"message": "Unauthorized"}`; the functions and the local server answer a problem.',
        headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
        content: { ...PROBLEM, ...GATEWAY },
      };
    case 403:
      return {
        description: 'The token carries no Opsdesk role, or the caller may see the record but not do this',
        content: PROBLEM,
      };
    case 404:
      return { description: 'Not found, or not visible to the caller', content: PROBLEM };
    case 409:
      return {
        description: [
          ...(shape.stateConflict
            ? ['Conflicts with the current state (an illegal transition carries `from`, `to`, `allowed`)']
            : []),
          ...(shape.idempotencyKey
            ? ['a request with this Idempotency-Key is still running; retry shortly']
            : []),
        ]
          .join('; or ')
          .replace(/^./, (first) => first.toUpperCase()),
        content: PROBLEM,
      };
    case 412:
      return {
        description: 'If-Match names a version that is no longer current (`currentVersion` says which is)',
        content: PROBLEM,
      };
    case 413:
      return {
        description: `Body over ${MAX_BODY_BYTES} bytes (256 KiB), refused before it is read on every route`,
        content: PROBLEM,
      };
    case 415:
      return {
        description:
          'A body sent without content-type application/json (or a +json type); checked on every route, ' +
          'including those that take no body',
        content: PROBLEM,
      };
    case 422:
      return { description: 'Idempotency-Key reused with a different body', content: PROBLEM };
    case 429:
      return {
        description: 'Throttled by API Gateway (deployed stacks only); retry with backoff',
        content: GATEWAY,
      };
    case 500:
      return {
        description:
          'An unexpected failure (a bug); the problem names no internals. A function that fails or ' +
          'times out behind API Gateway is `{"message": "Internal Server Error"}`.',
        content: { ...PROBLEM, ...GATEWAY },
      };
    case 503:
      return {
        description:
          'Transient: concurrent writers kept winning the race, or a downstream service did not answer; ' +
          'nothing was lost, safe to retry',
        content: PROBLEM,
      };
    default:
      return { description: 'Error', content: PROBLEM };
  }
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
