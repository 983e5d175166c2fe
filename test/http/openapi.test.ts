import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { CATALOG_ITEM_STATUSES } from '../../functions/catalog/model.js';
import { CHANGE_STATUSES } from '../../functions/changes/model.js';
import { CI_STATUSES, PORTFOLIO_STATUSES } from '../../functions/cmdb/model.js';
import { CONTRACT, type RouteContract } from '../../functions/public/http/all-contracts.js';
import { buildOpenApiDocument, TAGS } from '../../functions/public/http/openapi.js';
import { ERROR_CODES } from '../../functions/shared/errors.js';
import { checkIdempotencyKey } from '../../functions/shared/http/middleware/post-idempotency.js';
import { PATH_ID_PATTERN } from '../../functions/shared/http/pipeline.js';
import { ROUTES, type RouteDefinition, routeKey } from '../../functions/shared/http/routes.js';
import { problemSchema } from '../../functions/shared/http/schemas.js';
import { TASK_STATUSES, TICKET_STATUSES } from '../../functions/tickets/model.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          security?: unknown[];
          requestBody?: unknown;
          responses: Record<string, unknown>;
          parameters: { name: string; in: string }[];
        }
      >
    >;
    components: {
      schemas: Record<string, { additionalProperties?: unknown; properties?: Record<string, unknown> }>;
    };
  };

  it('is OpenAPI 3.1 with every route of the route table', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operationId);
    }
  });

  it('marks exactly the unauthenticated routes as needing no security', () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method.toLowerCase()]!;
      expect(op.security === undefined).toBe(route.authenticated);
    }
  });

  it('request bodies are strict (unknown fields are errors) and name their fields', () => {
    expect(doc.components.schemas.CreateTicket!.additionalProperties).toBe(false);
    expect(Object.keys(doc.components.schemas.CreateTicket!.properties!)).toContain('urgency');
  });

  it('list filters appear as query parameters', () => {
    const names = doc.paths['/tickets']!.get!.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'type',
        'status',
        'priority',
        'assignee',
        'group',
        'requester',
        'ciId',
        'limit',
        'cursor',
      ]),
    );
  });

  it('errors are problem+json', () => {
    const responses = doc.paths['/tickets/{id}']!.patch!.responses as Record<
      string,
      { content: Record<string, unknown> }
    >;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '412']));
    expect(responses['409']!.content['application/problem+json']).toBeDefined();
  });
});

/** An operation of the document, as the tests below read it. */
interface Operation {
  responses: Record<
    string,
    { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }
  >;
  parameters: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
}

describe('OpenAPI document: every answer a hostile client can get is documented', () => {
  const doc = buildOpenApiDocument() as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  const op = (route: Pick<RouteDefinition, 'method' | 'path'>) =>
    doc.paths[route.path]![route.method.toLowerCase()]!;
  const problem = doc.components.schemas.Problem as {
    additionalProperties?: unknown;
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };

  it('Problem allows extension members (RFC 9457 §3.2) and declares the ones Opsdesk sends', () => {
    expect(problem.additionalProperties).not.toBe(false);
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    expect(problem.properties.from).toMatchObject({ type: 'string' });
    expect(problem.properties.to).toMatchObject({ type: 'string' });
    expect(problem.properties.allowed).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(problem.properties.currentVersion).toMatchObject({ type: 'integer' });
    expect(problem.properties.errors).toMatchObject({
      type: 'array',
      items: { properties: { path: { type: 'string' }, message: { type: 'string' } } },
    });
    expect(problem.properties.code).toMatchObject({ type: 'string', enum: Object.keys(ERROR_CODES) });
    expect(problem.properties.type!.enum).toEqual(
      Object.keys(ERROR_CODES).map((code) => `https://opsdesk.dev/problems/${code}`),
    );
  });

  it("Problem members holding a capability's closed set are enums of exactly that set", () => {
    const statuses = [
      ...new Set([
        ...TICKET_STATUSES,
        ...CHANGE_STATUSES,
        ...CI_STATUSES,
        ...PORTFOLIO_STATUSES,
        ...CATALOG_ITEM_STATUSES,
        ...TASK_STATUSES,
      ]),
    ];
    expect(problem.properties.from!.enum).toEqual(statuses);
    expect(problem.properties.to!.enum).toEqual(statuses);
    expect((problem.properties.allowed!.items as { enum: unknown }).enum).toEqual(statuses);
    expect(problem.properties.ticketStatus!.enum).toEqual([...TICKET_STATUSES]);
    expect(problem.properties.changeStatus!.enum).toEqual([...CHANGE_STATUSES]);
    expect(problem.properties.reason!.enum).toEqual(
      expect.arrayContaining(['link_cycle', 'TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']),
    );
  });

  it('Problem declares every extension member the code can send', () => {
    const sent = extensionMembersInSource(join(import.meta.dirname, '../../functions'));
    expect(sent).toEqual(expect.arrayContaining(['from', 'to', 'allowed', 'currentVersion', 'errors']));
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(sent));
  });

  it('no schema mentions the storage key of an attachment; attachment responses are closed objects', () => {
    expect(JSON.stringify(doc)).not.toContain('objectKey');
    for (const id of ['AttachmentUpload', 'Attachment']) {
      expect(doc.components.schemas[id]!.additionalProperties).toBe(false);
    }
  });

  it.each([
    '/groups/{id}',
    '/calendars/{id}',
    '/sla-policies/{id}',
    '/freeze-windows/{id}',
    '/cis/{id}',
    '/ci-classes/{id}',
    '/services/{id}',
    '/integrations/{id}',
    '/catalog/items/{id}',
  ])('PUT %s documents 200 (replaced) and 201 (created) with Location, both with the record', (path) => {
    const { responses } = op({ method: 'PUT', path });
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '201']));
    expect(responses['201']!.headers).toHaveProperty('Location');
    expect(responses['201']!.headers).toHaveProperty('ETag');
    expect(responses['201']!.content).toEqual(responses['200']!.content);
    // Creating is not finding: a PUT that creates never answers 404.
    expect(responses['404']).toBeUndefined();
  });

  it('a 201 is documented wherever a handler answers one', () => {
    const creating = ROUTES.filter((route) => Object.keys(op(route).responses).includes('201'));
    expect(creating.map(routeKey).sort()).toEqual(
      [
        'POST /tickets',
        'POST /tickets/{id}/comments',
        'POST /tickets/{id}/links',
        'POST /views',
        'POST /tickets/{id}/attachments',
        'POST /changes',
        'PUT /groups/{id}',
        'PUT /calendars/{id}',
        'PUT /sla-policies/{id}',
        'PUT /freeze-windows/{id}',
        'PUT /cis/{id}',
        'POST /cis/{id}/relationships',
        'PUT /ci-classes/{id}',
        'PUT /services/{id}',
        'PUT /integrations/{id}',
        'POST /integrations/{id}/secret',
        'POST /known-errors',
        'PUT /catalog/items/{id}',
        'POST /catalog/items/{id}/requests',
        'POST /surveys/{token}',
        'POST /tickets/{id}/feedback',
      ].sort(),
    );
  });

  it.each(ROUTES.filter((route) => route.path.startsWith('/alerts/')).map(routeKey))(
    'alert intake %s documents its credentials (security schemes), 401, 403 and 413 as problems',
    (key) => {
      const route = ROUTES.find((candidate) => routeKey(candidate) === key)!;
      const operation = op(route) as {
        responses: Record<string, { content?: unknown }>;
        security?: unknown[];
      };
      for (const status of ['400', '401', '403', '413', '500']) {
        expect(operation.responses[status]?.content).toHaveProperty(['application/problem+json']);
      }
      if (route.path === '/alerts/{integrationId}') {
        expect(operation.security).toEqual([
          { integrationSecret: [] },
          { integrationBasic: [] },
          { standardWebhooks: [] },
          { snsMessage: [] },
        ]);
        for (const scheme of ['integrationSecret', 'integrationBasic', 'standardWebhooks', 'snsMessage']) {
          expect((doc.components as { securitySchemes?: unknown }).securitySchemes).toHaveProperty(scheme);
        }
      } else {
        expect(operation.security).toEqual([]);
      }
    },
  );

  it.each(ROUTES.filter((route) => route.path.startsWith('/surveys/')).map(routeKey))(
    'survey link %s takes no credentials, documents 404, 410 and 500 as problems, and its HTML page',
    (key) => {
      const route = ROUTES.find((candidate) => routeKey(candidate) === key)!;
      const operation = op(route) as {
        responses: Record<string, { content?: Record<string, unknown> }>;
        security?: unknown[];
        requestBody?: { content: Record<string, unknown> };
      };
      expect(operation.security).toEqual([]);
      for (const status of ['400', '404', '410', '413', '415', '500']) {
        expect(operation.responses[status]?.content).toHaveProperty(['application/problem+json']);
      }
      const success = operation.responses[route.method === 'GET' ? '200' : '201']!;
      expect(Object.keys(success.content ?? {}).sort()).toEqual(['application/json', 'text/html']);
      if (route.method === 'POST') {
        expect(Object.keys(operation.requestBody!.content).sort()).toEqual([
          'application/json',
          'application/x-www-form-urlencoded',
        ]);
        expect(operation.responses['409']?.content).toHaveProperty(['application/problem+json']);
      }
      expect(operation.responses['401']).toBeUndefined();
    },
  );

  it.each(
    ROUTES.filter((route) => route.method === 'GET' && route.path.startsWith('/reports/')).map(routeKey),
  )('report %s documents JSON and its CSV rendering (Accept: text/csv)', (key) => {
    const route = ROUTES.find((candidate) => routeKey(candidate) === key)!;
    const success = (
      op(route).responses as Record<string, { content?: Record<string, { schema?: unknown }> }>
    )['200']!;
    expect(Object.keys(success.content ?? {}).sort()).toEqual(['application/json', 'text/csv']);
    expect(success.content!['text/csv']!.schema).toMatchObject({ type: 'string' });
  });

  it('documents the CSV rendering on the report routes only, and the rebuild as a 202', () => {
    const withCsv = ROUTES.filter((route) =>
      Object.values(op(route).responses as Record<string, { content?: Record<string, unknown> }>).some(
        (response) => response.content?.['text/csv'],
      ),
    ).map(routeKey);
    expect(withCsv.sort()).toEqual(
      [
        'GET /reports/sla',
        'GET /reports/incidents',
        'GET /reports/changes',
        'GET /reports/csat',
        'GET /reports/backlog',
        'GET /reports/availability',
        ...ROUTES.filter((route) => routeKey(route) === 'GET /reports/dr-posture').map(routeKey),
      ].sort(),
    );
    const rebuild = op(ROUTES.find((route) => routeKey(route) === 'POST /reports/rebuild')!);
    expect(Object.keys(rebuild.responses)).toContain('202');
  });

  it.each(
    ROUTES.filter(
      (route) =>
        !route.authenticated && !route.path.startsWith('/alerts/') && !route.path.startsWith('/surveys/'),
    ).map(routeKey),
  )('public route %s documents 400 (a body sent), 413, 415 and 500 as problems', (key) => {
    const { responses } = op(ROUTES.find((route) => routeKey(route) === key)!);
    for (const status of ['400', '413', '415', '500']) {
      expect(responses[status]?.content).toHaveProperty(['application/problem+json']);
    }
    expect(responses['400']!.description).toMatch(/takes none/);
    expect(responses['401']).toBeUndefined();
  });

  it.each(ROUTES.map(routeKey))('%s documents every status the pipeline can answer', (key) => {
    const route = ROUTES.find((candidate) => routeKey(candidate) === key)!;
    const statuses = Object.keys(op(route).responses);
    const expected = ['400', '413', '415', '429', '500'];
    if (route.authenticated) expected.push('401', '403');
    if (route.path.includes('{') && route.method !== 'PUT') expected.push('404');
    if (route.method === 'POST' && route.authenticated) expected.push('409', '422');
    if (route.method === 'PATCH' || route.method === 'PUT') expected.push('412', '503');
    expect(statuses).toEqual(expect.arrayContaining(expected));
    for (const [status, response] of Object.entries(op(route).responses)) {
      expect(response.description, status).not.toBe('');
      if (Number(status) >= 400)
        expect(Object.keys(response.content ?? {}).length, status).toBeGreaterThan(0);
    }
  });

  it('every path parameter is documented with the id schema the pipeline enforces', () => {
    const params = ROUTES.flatMap((route) => op(route).parameters.filter((p) => p.in === 'path'));
    expect(params.length).toBeGreaterThan(10);
    for (const param of params) {
      expect(param.required).toBe(true);
      expect(param.schema).toEqual({
        type: 'string',
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$',
      });
      expect(new RegExp(param.schema.pattern as string).source).toBe(PATH_ID_PATTERN.source);
    }
  });

  it('the Idempotency-Key header is documented on every authenticated POST with the bounds enforced', () => {
    for (const route of ROUTES) {
      const header = op(route).parameters.find((p) => p.name === 'Idempotency-Key');
      expect(header !== undefined, routeKey(route)).toBe(route.method === 'POST' && route.authenticated);
      if (!header) continue;
      expect(header.schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 255 });
      const pattern = new RegExp(header.schema.pattern as string, 'u');
      const accepts = (key: string) =>
        key.length >= 1 && key.length <= 255 && pattern.test(key) && [...key].length === key.length;
      for (const key of [
        'abc',
        ' a b ',
        'x'.repeat(255),
        'x'.repeat(256),
        '',
        ' ',
        '\t \u00a0',
        'a\u0000b',
        'a\nb',
        'a\u007fb',
        'a\u0085b',
        'ünïcödé-ключ',
        '550e8400-e29b-41d4-a716-446655440000',
      ]) {
        let enforced = true;
        try {
          checkIdempotencyKey(key);
        } catch {
          enforced = false;
        }
        expect(accepts(key), JSON.stringify(key)).toBe(enforced);
      }
    }
  });

  it('every $ref resolves to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(doc.components.schemas, ref).toHaveProperty([ref]);
  });
});

/**
 * The extension members a problem can carry, read from the source: the object literal given to
 * `new ConflictError(detail, {...})` or `problem(status, title, detail, {...})`, and every
 * `this.extensions.<name> =` of a DomainError. An extension passed as anything but a literal fails
 * the test, since its members could not be checked (problem-errors.ts passing a DomainError's own
 * `extensions` on is the one exception).
 */
function extensionMembersInSource(root: string): string[] {
  const members = new Set<string>();
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  for (const file of files) {
    const path = join(root, file);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const literalAt = (node: ts.CallExpression | ts.NewExpression, index: number) => {
      const arg = node.arguments?.[index];
      if (!arg) return;
      if (!ts.isObjectLiteralExpression(arg)) {
        throw new Error(`${file}: extensions passed as ${arg.getText()}; use an object literal`);
      }
      for (const property of arg.properties) {
        if (property.name && ts.isIdentifier(property.name)) members.add(property.name.text);
        else throw new Error(`${file}: extension member ${property.getText()} has no plain name`);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === 'ConflictError') literalAt(node, 1);
      // problem-errors.ts passes `error.extensions` on: those are the DomainErrors' own, read here.
      if (
        ts.isCallExpression(node) &&
        node.expression.getText() === 'problem' &&
        node.arguments[3]?.getText() !== 'error.extensions'
      ) {
        literalAt(node, 3);
      }
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        node.left.expression.getText() === 'this.extensions'
      ) {
        members.add(node.left.name.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return [...members].sort();
}

describe('OpenAPI document: self-describing for linters and generated clients', () => {
  const doc = buildOpenApiDocument() as {
    servers: { url: string; description: string }[];
    tags: { name: string; description: string }[];
    paths: Record<
      string,
      Record<
        string,
        Operation & {
          summary: string;
          description: string;
          tags: string[];
          parameters: { description?: string }[];
        }
      >
    >;
  };
  const op = (route: RouteDefinition) => doc.paths[route.path]![route.method.toLowerCase()]!;

  it('names a relative server, described as the ApiUrl of a stack or the local one', () => {
    expect(doc.servers).toEqual([{ url: '/', description: expect.stringContaining('ApiUrl') }]);
  });

  it('tags every operation with its capability, each tag declared once with a description', () => {
    // A route's tag is its serving function's, unless it names another (a report the CMDB serves).
    const tagOf = (route: (typeof ROUTES)[number]) => TAGS[route.tag ?? route.function].name;
    expect(doc.tags.map((tag) => tag.name)).toEqual([...new Set(ROUTES.map(tagOf))].sort());
    for (const tag of doc.tags) expect(tag.description).not.toBe('');
    for (const route of ROUTES) expect(op(route).tags, routeKey(route)).toEqual([tagOf(route)]);
    expect(op(ROUTES.find((route) => route.path === '/reports/dr-posture')!).tags).toEqual(['reports']);
  });

  it.each(ROUTES.map(routeKey))('%s has a description of its own and describes every parameter', (key) => {
    const route = ROUTES.find((candidate) => routeKey(candidate) === key)!;
    const contract = (CONTRACT as Record<string, RouteContract>)[key]!;
    expect(contract.description, 'the contract describes the route').toBeTruthy();
    expect(op(route).description.startsWith(contract.description!)).toBe(true);
    for (const parameter of op(route).parameters) {
      expect(parameter.description, `${key} ${parameter.name}`).toBeTruthy();
    }
  });

  it.each(ROUTES.map(routeKey))(
    '%s documents 503 (integration timeout, contention) with Retry-After',
    (key) => {
      const route = ROUTES.find((candidate) => routeKey(candidate) === key)!;
      const unavailable = op(route).responses['503']!;
      expect(unavailable.headers).toHaveProperty('Retry-After');
      expect(Object.keys(unavailable.content!)).toEqual(['application/problem+json', 'application/json']);
      expect(unavailable.description).toMatch(/integration timeout/);
      if (route.authenticated) expect(unavailable.description).toMatch(/backing_service_busy/);
    },
  );

  it('documents Idempotent-Replayed on the success answers of exactly the POSTs that take Idempotency-Key', () => {
    for (const route of ROUTES) {
      const takesKey = op(route).parameters.some((parameter) => parameter.name === 'Idempotency-Key');
      for (const [status, response] of Object.entries(op(route).responses)) {
        if (Number(status) >= 300) continue;
        expect(response.headers?.['Idempotent-Replayed'] !== undefined, `${routeKey(route)} ${status}`).toBe(
          takesKey,
        );
      }
    }
  });

  it('every example is accepted by the schema the handler validates with', () => {
    const examples = (schema: z.ZodMiniType) =>
      (z.globalRegistry.get(schema)?.examples as unknown[] | undefined) ?? [];
    let checked = 0;
    for (const [key, contract] of Object.entries(CONTRACT as Record<string, RouteContract>)) {
      if (!contract.body) continue;
      for (const example of examples(contract.body)) {
        const parsed = contract.body.safeParse(example);
        expect(parsed.success, `${key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        checked++;
      }
    }
    for (const example of examples(problemSchema)) {
      expect(problemSchema.safeParse(example).success).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
