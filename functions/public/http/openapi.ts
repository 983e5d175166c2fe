import * as z from 'zod/mini';
import { CATALOG_ITEM_STATUSES } from '../../catalog/model.js';
import {
  APPROVAL_DECISIONS,
  APPROVAL_STAGES,
  APPROVAL_STATUSES,
  CHANGE_STATUSES,
  IMPLEMENTATION_OUTCOMES,
} from '../../changes/model.js';
import type { DeadTokenReason } from '../../changes/workflow/change-workflow.js';
import { CI_STATUSES, PORTFOLIO_STATUSES } from '../../cmdb/model.js';
import { MAX_BODY_BYTES } from '../../shared/http/decode.js';
import { isReportRead, PATH_ID_PATTERN } from '../../shared/http/pipeline.js';
import { type FunctionName, ROUTES, type RouteDefinition, routeKey } from '../../shared/http/routes.js';
import { problemSchema, withMeta } from '../../shared/http/schemas.js';
import { INVERSE_LINK, TASK_STATUSES, TICKET_STATUSES } from '../../tickets/model.js';
import { CONTRACT, type RouteContract } from './all-contracts.js';

type JsonSchema = Record<string, unknown>;

/**
 * One tag per capability: the bounded-context function that serves the route (routes.ts). A new
 * function needs its tag here (a type error otherwise).
 */
export const TAGS: Record<FunctionName, { readonly name: string; readonly description: string }> = {
  public: { name: 'public', description: 'Liveness and this document; no token needed' },
  tickets: {
    name: 'tickets',
    description:
      'Incidents, service requests and problems: lifecycle, comments, history and links; agent queues, live queue counts and saved views; the SLA report',
  },
  attachments: {
    name: 'attachments',
    description: 'Files on tickets: announced, uploaded and downloaded through presigned URLs',
  },
  admin: {
    name: 'admin',
    description: 'Configuration: assignment groups, business-hours calendars and SLA policies',
  },
  changes: {
    name: 'changes',
    description:
      'Change management: submission, risk and conflicts, approvals, implementation and review; freeze windows',
  },
  cmdb: {
    name: 'cmdb',
    description:
      'Configuration management: CIs, classes, typed relationships, impact analysis, and business and technical services',
  },
  alerts: {
    name: 'alerts',
    description:
      'Monitoring integrations and alert intake (Alertmanager, CloudWatch, PagerDuty Events v2): alerts become incidents',
  },
  catalog: {
    name: 'catalog',
    description:
      'The service catalog: items with JSON Schema forms, request submission, approvals and fulfilment tasks',
  },
  problems: {
    name: 'problems',
    description:
      'Problem management: known errors with their workarounds, suggested on new incidents and applied to them',
  },
  reports: {
    name: 'reports',
    description:
      'Continual-improvement reports: incidents and requests, changes, backlog age, availability, CSAT; JSON or CSV',
  },
  csat: {
    name: 'csat',
    description:
      'Customer satisfaction: settings, survey links (JSON or a minimal HTML form) and the requester’s feedback on a resolved ticket',
  },
};

/** Relative, so the document is right wherever it is served (docs/deploy.md lists ApiUrl). */
const SERVERS = [
  {
    url: '/',
    description:
      "This API, relative to the URL the document was fetched from: a deployed stack's `ApiUrl` output, " +
      'or http://localhost:3000 under `npm start` (PORT).',
  },
];

/** The CSV rendering of a report (docs/reports.md#csv): RFC 4180, a header line, one line per row. */
const CSV_CONTENT = {
  'text/csv': {
    schema: {
      type: 'string',
      description:
        'RFC 4180 CSV: a header line, then one line per row; nested figures as dotted columns (`mtta.meanMinutes`), the report’s own fields (from, to, freshness.asOf) repeated first; cells a spreadsheet would run as formulas get a leading apostrophe',
    },
  },
};

/** Response headers the routes send, described once. */
const HEADER_DESCRIPTIONS: Record<string, string> = {
  ETag: 'The version of the record, `"<version>"`; send it as If-Match to make a write conditional',
  Location: 'The path of the created record',
};

/** postIdempotency (middleware/post-idempotency.ts) marks every replayed answer of a POST. */
const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    required: false,
    description:
      '`true` when this is the stored first answer to an earlier request with the same Idempotency-Key, ' +
      'replayed without doing anything again; absent otherwise',
    schema: { type: 'string', enum: ['true'] },
  },
};

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    required: false,
    description: 'Seconds to wait before retrying; sent with `backing_service_busy`',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
};

/** Step Functions causes of a dead task token, as `reason` of a `task_token_gone` problem (all of them). */
const DEAD_TOKEN_REASONS = Object.keys({
  TaskTimedOut: true,
  TaskDoesNotExist: true,
  InvalidToken: true,
} satisfies Record<DeadTokenReason, true>);

/**
 * Problem members whose values are a capability's closed set. Problem is declared in shared/,
 * which knows no capability, so the document narrows them here. Each path must exist.
 */
/**
 * Every status an `invalid_transition` names: tickets, changes, CIs, service portfolios, catalog
 * items; and fulfilment tasks (`invalid_task_transition`).
 */
export const TRANSITION_STATUSES = [
  ...new Set([
    ...TICKET_STATUSES,
    ...CHANGE_STATUSES,
    ...CI_STATUSES,
    ...PORTFOLIO_STATUSES,
    ...CATALOG_ITEM_STATUSES,
    ...TASK_STATUSES,
  ]),
];

const PROBLEM_ENUMS: readonly (readonly [path: string, values: readonly string[]])[] = [
  ['properties.from', TRANSITION_STATUSES],
  ['properties.to', TRANSITION_STATUSES],
  ['properties.allowed.items', TRANSITION_STATUSES],
  ['properties.ticketStatus', TICKET_STATUSES],
  ['properties.changeStatus', CHANGE_STATUSES],
  ['properties.reason', ['link_cycle', 'ci_limit', 'hierarchy_too_deep', ...DEAD_TOKEN_REASONS]],
  ['properties.existing.properties.type', [...Object.keys(INVERSE_LINK), 'affects']],
  ['properties.implementation.properties.outcome', [...IMPLEMENTATION_OUTCOMES, 'timed_out']],
  ['properties.approval.anyOf.0.properties.stage', APPROVAL_STAGES],
  ['properties.approval.anyOf.0.properties.status', APPROVAL_STATUSES],
  ['properties.approval.anyOf.0.properties.decision', APPROVAL_DECISIONS],
];

function narrowEnums(schema: JsonSchema, narrowings: typeof PROBLEM_ENUMS): void {
  for (const [path, values] of narrowings) {
    const target = path
      .split('.')
      .reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], schema);
    const type = (target as JsonSchema | undefined)?.type;
    const nullable =
      Array.isArray(type) && type.length === 2 && type.includes('string') && type.includes('null');
    if (type !== 'string' && !nullable) throw new Error(`Problem has no string member at ${path}`);
    (target as JsonSchema).enum = [...new Set(values), ...(nullable ? [null] : [])];
  }
}

/**
 * What API Gateway itself answers (JWT authorizer 401, throttling 429, a failed function 500, a
 * function past the integration timeout 503).
 */
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
 * answers of POSTs (409, 422), API Gateway's throttling (429) and integration timeout (503), and
 * the route's own `errors`. Every operation has a tag (its capability) and a description; the
 * document is linted with Redocly and Spectral (`npm run lint:openapi`).
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  // zod emits named schemas (meta id) under $defs; hoist them into components.
  const toSchema = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
    // A tuple closes with `items: false`; `{not: {}}` says the same and is what linters expect
    // of an array's `items` (Spectral's array-items rule requires an object).
    const {
      $schema: _,
      $defs,
      ...rest
    } = JSON.parse(
      JSON.stringify(json)
        .replaceAll('"#/$defs/', '"#/components/schemas/')
        .replaceAll('"items":false', '"items":{"not":{}}'),
    ) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    Object.assign(components, $defs);
    return rest;
  };
  toSchema(problemSchema, 'output');
  narrowEnums(components.Problem!, PROBLEM_ENUMS);
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
      const documented = {
        ...Object.fromEntries(
          [...new Set(headers)].map((name) => [
            name,
            {
              required: true,
              ...(HEADER_DESCRIPTIONS[name] ? { description: HEADER_DESCRIPTIONS[name] } : {}),
              schema: { type: 'string' },
            },
          ]),
        ),
        ...(shape.idempotencyKey ? REPLAYED_HEADER : {}),
      };
      return {
        description,
        ...(Object.keys(documented).length > 0 ? { headers: documented } : {}),
        ...(contract.success.schema
          ? {
              content: {
                'application/json': { schema: toSchema(contract.success.schema, 'output') },
                // Reports also answer CSV on `Accept: text/csv` (functions/shared/http/csv.ts).
                ...(isReportRead(routeKey(route)) ? CSV_CONTENT : {}),
                // The survey routes also answer a page for browsers (docs/csat.md#the-form).
                ...(contract.html ? { 'text/html': { schema: { type: 'string' } } } : {}),
              },
            }
          : {}),
      };
    };
    const responses: Record<string, unknown> = shape.creates
      ? {
          [contract.success.status]: success('Replaced: the record existed'),
          201: success('Created: the record did not exist; Location names it', ['Location']),
        }
      : {
          [contract.success.status]: success(contract.summary),
          ...('existing' in contract && contract.existing ? { 200: success(contract.existing) } : {}),
        };
    for (const status of shape.errorStatuses) {
      responses[status] = errorResponse(status, shape);
    }

    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: contract.summary,
      description: operationDescription(contract, shape),
      tags: [TAGS[route.tag ?? route.function].name],
      ...(route.authenticated ? {} : { security: contract.security ?? [] }),
      parameters: [...pathParams, ...queryParams, ...headerParams],
      ...(contract.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: toSchema(contract.body, 'input') },
                ...(contract.form
                  ? { 'application/x-www-form-urlencoded': { schema: toSchema(contract.body, 'input') } }
                  : {}),
              },
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
        'Incidents, service requests and problems, changes, SLAs and their configuration. Errors are ' +
        'RFC 9457 problem details with a stable `code` (docs/api.md#error-codes); API Gateway answers ' +
        'its own 401, 429, 500 and 503 as `{"message": ...}`. Every route but /health, ' +
        '/openapi.json and alert intake (/alerts/..., integration credentials: docs/alerts.md#credentials) ' +
        'takes a bearer JWT (docs/api.md#authentication-and-roles).',
    },
    servers: SERVERS,
    security: [{ bearer: [] }],
    tags: [...new Set(ROUTES.map((route) => route.tag ?? route.function))]
      .map((fn) => ({ ...TAGS[fn] }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A JWT of the stack's identity provider (Cognito by default) whose groups claim carries an " +
            'Opsdesk role: requester, agent, approver or admin. Locally, `npm run -s token` mints one.',
        },
        integrationSecret: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Alert intake (docs/alerts.md#credentials): the secret of a monitoring integration, shown once when it is created or rotated.',
        },
        integrationBasic: {
          type: 'http',
          scheme: 'basic',
          description:
            'Alert intake: HTTP Basic with any user name and the integration secret as the password (EventBridge API destinations, Alertmanager basic_auth).',
        },
        standardWebhooks: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Alert intake, `hmac` integrations (docs/alerts.md#standard-webhooks-hmac): Standard Webhooks `webhook-id`, `webhook-timestamp` (±5 min) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` (several, space-separated, while rotating), keyed by the integration secret (`whsec_…`).',
        },
        snsMessage: {
          type: 'apiKey',
          in: 'header',
          name: 'x-amz-sns-message-type',
          description:
            "Alert intake, `sns` integrations (docs/alerts.md#cloudwatch-through-sns): an SNS HTTPS delivery, authenticated by its own signature (SignatureVersion 2, certificate from an SNS host) and its `TopicArn` being one of the integration's `topicArns`.",
        },
      },
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
  /** The route's own 503s (its contract lists 503): contention or a workflow that did not start. */
  readonly busy: boolean;
  readonly errorStatuses: readonly number[];
}

function routeShape(route: RouteDefinition, contract: RouteContract): RouteShape {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const creates = contract.creates === true;
  const idempotencyKey = route.method === 'POST' && route.authenticated;
  // Every route: parseJsonBody runs for all of them (413, 415, malformed JSON), a body on a route
  // that takes none is 400, API Gateway throttles every route (429), a bug is a 500, and a function
  // that does not answer within the integration timeout is a 503.
  const statuses = new Set<number>([400, 413, 415, 429, 500, 503, ...(contract.errors ?? [])]);
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
    busy: contract.errors?.includes(503) ?? false,
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
        headers: {
          'WWW-Authenticate': {
            description: 'A Bearer challenge naming what was wrong with the token (RFC 6750)',
            schema: { type: 'string' },
          },
        },
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
        description:
          'Throttled by API Gateway (deployed stacks only; the routes without a token have a lower limit ' +
          'than the rest); retry with backoff',
        content: GATEWAY,
      };
    case 500:
      return {
        description:
          'An unexpected failure (a bug); the problem names no internals. A function that fails or ' +
          'times out behind API Gateway is `{"message": "Internal Server Error"}`.',
        content: { ...PROBLEM, ...GATEWAY },
      };
    case 503: {
      const causes = [
        ...(shape.busy
          ? [
              'the write could not complete for now: more than 30 concurrent writers kept winning the race ' +
                '(`too_many_writers`), or, where the description says so, a workflow did not start (`workflow_not_started`)',
            ]
          : []),
        ...(shape.authenticated
          ? [
              'a backing AWS service throttled or failed transiently (`backing_service_busy`, with Retry-After)',
            ]
          : []),
        "the function did not answer within API Gateway's 30 s integration timeout " +
          '(`{"message": "Service Unavailable"}` on AWS; `service_busy` locally)',
      ];
      return {
        description: `Transient, safe to retry: ${causes.join('; or ')}.`,
        headers: { ...RETRY_AFTER_HEADER },
        content: { ...PROBLEM, ...GATEWAY },
      };
    }
    default:
      return { description: 'Error', content: PROBLEM };
  }
}

/**
 * What the operation does (its contract's description), then what the pipeline makes true of it:
 * conditional writes with If-Match, safe retries with Idempotency-Key.
 */
function operationDescription(contract: RouteContract, shape: RouteShape): string {
  return [
    contract.description ?? contract.summary,
    ...(shape.ifMatch
      ? [
          'Send `If-Match` with the ETag you read to write only if no one changed the record since (412 otherwise).',
        ]
      : []),
    ...(shape.idempotencyKey
      ? [
          'Send `Idempotency-Key` to make a retry safe: a repeat within 24 h replays the first answer with ' +
            '`Idempotent-Replayed: true` (docs/api.md#idempotency).',
        ]
      : []),
  ].join('\n\n');
}

/**
 * Query parameters from an object schema (resolving its component reference); a property's
 * description becomes the parameter's.
 */
function queryParameters(schema: JsonSchema, components: Record<string, JsonSchema>): unknown[] {
  const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop()! : undefined;
  const resolved = ref ? components[ref]! : schema;
  if (ref) delete components[ref];
  const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema: property,
  }));
}
