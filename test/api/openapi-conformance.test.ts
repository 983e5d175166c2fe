import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * What a client gets is what the served OpenAPI document says it can get: each answer's status is
 * documented for its operation, with its media type and required headers, and every member of its
 * body is declared (closed response objects, and the Problem's extension members).
 */
describe('responses conform to the served OpenAPI document', () => {
  let rt: LocalRuntime;
  let doc: OpenApi;

  beforeAll(async () => {
    rt = await startTestRuntime();
    doc = (await api(rt).request('GET', '/openapi.json')).json;
  });
  afterAll(() => rt?.stop());

  /** Raw HTTP, so a GET can carry a body (fetch refuses to send one). */
  function send(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${rt.url}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
          resolve({
            status: res.statusCode!,
            type,
            headers: res.headers as Record<string, string | undefined>,
            json: /json/.test(type) && text ? JSON.parse(text) : undefined,
          });
        });
      });
      req.on('error', reject);
      req.end(options.body);
    });
  }

  const json = (value: unknown) => JSON.stringify(value);

  /** Asserts the answer is documented for `METHOD /template` and returns it. */
  function conforms(route: string, answer: Answer): Answer {
    const [method, template] = route.split(' ') as [string, string];
    const operation = doc.paths[template]?.[method.toLowerCase()];
    expect(operation, route).toBeDefined();
    const documented = operation!.responses[String(answer.status)];
    expect(documented, `${route} answered ${answer.status}: ${json(answer.json)}`).toBeDefined();
    for (const [name, header] of Object.entries(documented!.headers ?? {})) {
      if (header.required) expect(answer.headers[name.toLowerCase()], `${route} ${name}`).toBeDefined();
    }
    if (answer.json !== undefined) {
      const media = documented!.content?.[answer.type];
      expect(media, `${route} ${answer.status} as ${answer.type}`).toBeDefined();
      expect(undeclared(media!.schema, answer.json, ''), `${route} ${answer.status}`).toEqual([]);
    }
    return answer;
  }

  /** Members of `value` its schema does not declare (closed objects, and always for Problem). */
  function undeclared(schema: Schema, value: unknown, at: string, strict = false): string[] {
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop()!;
      return undeclared(doc.components.schemas[name]!, value, at, name === 'Problem');
    }
    if (schema.anyOf) {
      const tries = schema.anyOf.map((branch) => undeclared(branch, value, at));
      return tries.find((found) => found.length === 0) ?? tries[0]!;
    }
    if (Array.isArray(value) && schema.items) {
      return value.flatMap((item, index) => undeclared(schema.items!, item, `${at}[${index}]`));
    }
    if (value === null || typeof value !== 'object' || !schema.properties) return [];
    const closed = strict || schema.additionalProperties === false;
    return Object.entries(value).flatMap(([name, member]) => {
      const property = schema.properties![name];
      if (!property) return closed ? [`${at}.${name}`] : [];
      return undeclared(property, member, `${at}.${name}`);
    });
  }

  it.each(['/health', '/openapi.json'])(
    'GET %s: a body is 400, a non-JSON body 415, a huge one 413',
    async (path) => {
      const route = `GET ${path}`;
      expect(conforms(route, await send('GET', path)).status).toBe(200);
      const withBody = conforms(route, await send('GET', path, { body: '{"x":1}' }));
      expect(withBody.status).toBe(400);
      expect(withBody.type).toBe('application/problem+json');
      expect(
        conforms(route, await send('GET', path, { body: 'hello', contentType: 'text/plain' })).status,
      ).toBe(415);
      const huge = json({ pad: 'x'.repeat(300 * 1024) });
      expect(conforms(route, await send('GET', path, { body: huge })).status).toBe(413);
    },
  );

  it('an authenticated GET: 400 with a body, 415 for non-JSON, 401, 403, 404, all documented', async () => {
    const token = rt.tokenFor('ann', ['agent']);
    const route = 'GET /tickets/{id}';
    const created = await api(rt, { token }).request('POST', '/tickets', {
      body: { type: 'incident', title: 'bodies on GET' },
    });
    const path = `/tickets/${created.json.id}`;
    expect(conforms(route, await send('GET', path, { token, body: '{}' })).status).toBe(400);
    expect(
      conforms(route, await send('GET', path, { token, body: 'x', contentType: 'application/xml' })).status,
    ).toBe(415);
    expect(conforms(route, await send('GET', path)).status).toBe(401);
    expect(conforms(route, await send('GET', path, { token: rt.tokenFor('nobody', []) })).status).toBe(403);
    expect(conforms(route, await send('GET', '/tickets/INC-999999', { token })).status).toBe(404);
    expect([400, 404]).toContain(
      conforms(route, await send('GET', `/tickets/${'9'.repeat(200)}`, { token })).status,
    );
  });

  it('config PUTs answer 201 with Location when they create, 200 when they replace, as documented', async () => {
    const admin = rt.adminToken;
    const start = new Date(rt.clock.now().getTime() + 10 * 86_400_000);
    const bodies: Record<string, unknown> = {
      '/groups/conformance': { name: 'Conformance', members: ['ann'] },
      '/calendars/conformance': {
        name: 'Conformance hours',
        timezone: 'Europe/Berlin',
        hours: { mon: [['09:00', '17:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      },
      '/sla-policies/conformance': {
        name: 'Conformance',
        order: 500,
        match: { type: 'problem' },
        calendarId: '24x7',
        targets: { firstResponse: 60, resolution: 600 },
      },
      '/freeze-windows/conformance': {
        name: 'Conformance freeze',
        start: start.toISOString(),
        end: new Date(start.getTime() + 86_400_000).toISOString(),
      },
    };
    for (const [path, body] of Object.entries(bodies)) {
      const route = `PUT ${path.replace(/[^/]+$/, '{id}')}`;
      const created = conforms(route, await send('PUT', path, { token: admin, body: json(body) }));
      expect(created.status, `${route} ${json(created.json)}`).toBe(201);
      expect(created.headers.location).toBe(path);
      const replaced = conforms(route, await send('PUT', path, { token: admin, body: json(body) }));
      expect(replaced.status).toBe(200);
      const stale = conforms(
        route,
        await send('PUT', path, { token: admin, body: json(body), headers: { 'if-match': '"1"' } }),
      );
      expect(stale.status).toBe(412);
      expect(stale.json.currentVersion).toBe(2);
      expect(conforms(route, await send('PUT', path, { token: admin })).status).toBe(400);
    }
  });

  it('problems carry only declared members: 409 transitions, 412 versions, 400 field errors', async () => {
    const token = rt.tokenFor('ann', ['agent']);
    const created = conforms(
      'POST /tickets',
      await send('POST', '/tickets', { token, body: json({ type: 'problem', title: 'conformance' }) }),
    );
    const path = `/tickets/${created.json.id}`;
    const illegal = conforms(
      'PATCH /tickets/{id}',
      await send('PATCH', path, { token, body: json({ status: 'known_error' }) }),
    );
    expect(illegal.status).toBe(409);
    expect(illegal.json).toMatchObject({ from: 'new', to: 'known_error', allowed: expect.any(Array) });
    const stale = conforms(
      'PATCH /tickets/{id}',
      await send('PATCH', path, { token, body: json({ title: 'x' }), headers: { 'if-match': '"9"' } }),
    );
    expect(stale.status).toBe(412);
    expect(stale.json.currentVersion).toBe(1);
    const invalid = conforms(
      'POST /tickets',
      await send('POST', '/tickets', { token, body: json({ type: 'nope', extra: 1 }) }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors.length).toBeGreaterThan(0);
    const duplicateLink = { type: 'relates_to', targetId: created.json.id };
    const other = await send('POST', '/tickets', { token, body: json({ type: 'incident', title: 'other' }) });
    const link = `/tickets/${other.json.id}/links`;
    expect(
      conforms('POST /tickets/{id}/links', await send('POST', link, { token, body: json(duplicateLink) }))
        .status,
    ).toBe(201);
    const again = conforms(
      'POST /tickets/{id}/links',
      await send('POST', link, { token, body: json(duplicateLink) }),
    );
    expect(again.status).toBe(409);
    expect(again.json.existing).toEqual(duplicateLink);
  });

  it('Idempotency-Key: a reuse with another body is 422, a malformed key 400', async () => {
    const token = rt.tokenFor('ann', ['agent']);
    const key = { 'idempotency-key': `conformance-${Date.now()}` };
    const body = (title: string) => json({ type: 'incident', title });
    expect(
      conforms('POST /tickets', await send('POST', '/tickets', { token, body: body('a'), headers: key }))
        .status,
    ).toBe(201);
    expect(
      conforms('POST /tickets', await send('POST', '/tickets', { token, body: body('b'), headers: key }))
        .status,
    ).toBe(422);
    const tooLong = { 'idempotency-key': 'k'.repeat(256) };
    expect(
      conforms('POST /tickets', await send('POST', '/tickets', { token, body: body('c'), headers: tooLong }))
        .status,
    ).toBe(400);
  });

  it('attachments answer only documented members: no storage key', async () => {
    const token = rt.tokenFor('ann', ['agent']);
    const ticket = await send('POST', '/tickets', {
      token,
      body: json({ type: 'incident', title: 'files' }),
    });
    const path = `/tickets/${ticket.json.id}/attachments`;
    const grant = conforms(
      'POST /tickets/{id}/attachments',
      await send('POST', path, {
        token,
        body: json({ filename: 'a.txt', contentType: 'text/plain', size: 1 }),
      }),
    );
    expect(grant.status).toBe(201);
    expect(grant.json).not.toHaveProperty('objectKey');
    const list = conforms('GET /tickets/{id}/attachments', await send('GET', path, { token }));
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items[0]).not.toHaveProperty('objectKey');
  });
});

interface Schema {
  readonly $ref?: string;
  readonly anyOf?: readonly Schema[];
  readonly items?: Schema;
  readonly properties?: Record<string, Schema>;
  readonly additionalProperties?: unknown;
}

interface OpenApi {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        readonly responses: Record<
          string,
          {
            readonly headers?: Record<string, { readonly required?: boolean }>;
            readonly content?: Record<string, { readonly schema: Schema }>;
          }
        >;
      }
    >
  >;
  readonly components: { readonly schemas: Record<string, Schema> };
}

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely
  readonly json: any;
}
