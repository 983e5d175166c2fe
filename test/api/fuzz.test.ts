import { request } from 'node:http';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonSchema, SchemaArbitraries } from '../support/openapi-arbitraries.js';
import { api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * Property-based fuzzing of every operation in /openapi.json against the local stack: generated
 * path ids, queries, headers, tokens and bodies (valid ones, ones with a fault, and garbage). For
 * every response: never a 5xx, every error is problem+json valid against the Problem schema with
 * the HTTP status in `status`, every status is one the document lists for the operation, and every
 * success body is valid against the documented schema.
 *
 * FUZZ_RUNS_PER_OPERATION sets the depth (default 60: about 2,500 requests, well under a minute
 * here); FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS_PER_OPERATION ?? 60);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
  security?: unknown[];
};

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ID_ATTACKS = ['%2e%2e%2f', 'INC-000001%00', 'x'.repeat(300), '%F0%9F%92%A9', 'a%20b', '%25', 'INC-0'];
const PRINTABLE_HEADER = /^[\x20-\x7e]*$/;

describe('fuzzing every operation of the OpenAPI document', () => {
  let rt: LocalRuntime;
  let document: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, JsonSchema> };
  };
  let arbitraries: SchemaArbitraries;
  let ajv: Ajv2020;
  const tokens: Record<string, string | null> = {};
  const knownIds: string[] = [];
  const counts = { requests: 0, byClass: {} as Record<string, number> };

  beforeAll(async () => {
    rt = await startTestRuntime();
    const res = await fetch(`${rt.url}/openapi.json`);
    document = (await res.json()) as typeof document;
    arbitraries = new SchemaArbitraries(document.components.schemas);
    ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi', components: document.components }, 'openapi');
    tokens.requester = rt.tokenFor('rita', ['requester'], { email: 'rita@example.com' });
    tokens.agent = rt.tokenFor('ann', ['agent']);
    tokens.approver = rt.tokenFor('pat', ['approver']);
    tokens.admin = rt.adminToken;
    tokens.none = null;
    tokens.forged = `${tokens.agent.slice(0, -4)}AAAA`;
    // A few real records, so generated ids sometimes hit something that exists.
    const agent = api(rt, { token: tokens.agent });
    for (const [type, token] of [
      ['incident', tokens.requester],
      ['problem', tokens.agent],
    ] as const) {
      const created = await agent.request('POST', '/tickets', {
        token,
        body: { type, title: 'fuzz fixture' },
      });
      knownIds.push(created.json.id);
    }
    knownIds.push('service-desk', '24x7', 'business-hours', 'CHG-000001');
  }, 60_000);

  afterAll(async () => {
    // The counts of this run, by status class.
    console.info(`fuzz: ${counts.requests} requests`, counts.byClass);
    await rt?.stop();
  });

  const validatorCache = new Map<JsonSchema, ReturnType<Ajv2020['compile']>>();
  function validatorFor(schema: JsonSchema) {
    let validate = validatorCache.get(schema);
    if (!validate) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
      );
      validate = ajv.compile(rewritten);
      validatorCache.set(schema, validate);
    }
    return validate;
  }

  function requestArbitrary(method: string, template: string, operation: Operation): fc.Arbitrary<Sent> {
    const params = operation.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    const jsonBody = operation.requestBody?.content['application/json']?.schema;

    const pathValues = fc.tuple(
      ...pathParams.map(() =>
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...knownIds) },
          { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,20}$/) },
          { weight: 1, arbitrary: fc.constantFrom(...ID_ATTACKS) },
          {
            weight: 1,
            arbitrary: fc
              .string({ minLength: 1, maxLength: 30 })
              .map(encodeURIComponent)
              // Dot segments are resolved before routing: they name another path, not an id.
              .filter((s) => s !== '.' && s !== '..'),
          },
        ),
      ),
    );
    const query = fc.tuple(
      ...queryParams.map((p) =>
        fc.option(
          fc.oneof(
            { weight: 3, arbitrary: arbitraries.valid(p.schema).map(String) },
            { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
          ),
          { freq: 2 },
        ),
      ),
    );
    const body: fc.Arbitrary<{ text?: string; type?: string }> = jsonBody
      ? fc.oneof(
          {
            weight: 12,
            arbitrary: arbitraries
              .hostile(jsonBody)
              .map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
          },
          { weight: 1, arbitrary: fc.constant({ text: '{"title":', type: 'application/json' }) },
          {
            weight: 1,
            arbitrary: fc.constant({ text: 'title=x', type: 'application/x-www-form-urlencoded' }),
          },
          { weight: 1, arbitrary: fc.constant({}) },
        )
      : fc.oneof(
          { weight: 9, arbitrary: fc.constant({}) },
          {
            weight: 1,
            arbitrary: fc
              .jsonValue({ maxDepth: 2 })
              .map((v) => ({ text: JSON.stringify(v) ?? 'null', type: 'application/json' })),
          },
        );
    const headerValue = fc.string({ maxLength: 300 }).filter((s) => PRINTABLE_HEADER.test(s));
    const extraHeaders = fc.record(
      {
        'idempotency-key': fc.oneof(headerValue, fc.constantFrom('', ' ', 'k'.repeat(255), 'k'.repeat(256))),
        'if-match': fc.oneof(
          fc.nat(5).map((n) => `"${n}"`),
          headerValue,
        ),
      },
      { requiredKeys: [] },
    );
    const token = fc.constantFrom(...Object.keys(tokens));

    return fc
      .record({ pathValues, query, body, extraHeaders, token })
      .map(({ pathValues, query, body, extraHeaders, token }) => {
        let i = 0;
        const path = template.replace(/\{\w+\}/g, () => String(pathValues[i++]));
        const search = new URLSearchParams();
        queryParams.forEach((p, index) => {
          const value = query[index];
          if (value !== null && value !== undefined) search.set(p.name, value);
        });
        const headers: Record<string, string> = { ...extraHeaders };
        const bearer = tokens[token];
        if (bearer) headers.authorization = `Bearer ${bearer}`;
        if (body.type) headers['content-type'] = body.type;
        const qs = search.toString();
        return {
          method: method.toUpperCase(),
          path: qs ? `${path}?${qs}` : path,
          headers,
          ...(body.text === undefined ? {} : { body: body.text }),
        };
      });
  }

  async function check(sent: Sent, operation: Operation): Promise<void> {
    const res = await send(rt.url, sent);
    const text = res.text;
    counts.requests++;
    const klass = `${String(res.status)[0]}xx`;
    counts.byClass[klass] = (counts.byClass[klass] ?? 0) + 1;
    const where = `${sent.method} ${sent.path} → ${res.status} ${text.slice(0, 300)}`;
    expect(res.status, where).toBeLessThan(500);
    const documented = operation.responses[String(res.status)];
    expect(documented, `undocumented status: ${where}`).toBeDefined();
    const contentType = res.contentType;
    if (res.status >= 400) {
      expect(contentType, where).toBe('application/problem+json');
      const problem = JSON.parse(text);
      expect(problem.status, where).toBe(res.status);
      const validate = validatorFor({ $ref: '#/components/schemas/Problem' });
      expect(validate(problem), `${where}\n${JSON.stringify(validate.errors)}`).toBe(true);
      return;
    }
    const schema = documented?.content?.['application/json']?.schema;
    if (schema && text) {
      const validate = validatorFor(schema);
      expect(validate(JSON.parse(text)), `${where}\n${JSON.stringify(validate.errors)}`).toBe(true);
    }
  }

  it('answers every generated request without a 5xx, with documented statuses and valid bodies', async () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ method: m, path, operation: item[m]! })),
    );
    expect(operations.length).toBeGreaterThan(30);
    for (const { method, path, operation } of operations) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(method, path, operation), (sent) => check(sent, operation)),
        { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    }
    expect(counts.requests).toBeGreaterThanOrEqual(operations.length * RUNS);
  }, 600_000);
});

/** node:http rather than fetch: fetch refuses a body on GET, which a hostile client can send. */
function send(base: string, sent: Sent): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    // Node sends no length for a GET body unless told: the bytes would then be a malformed request.
    const headers =
      sent.body === undefined
        ? sent.headers
        : { ...sent.headers, 'content-length': String(Buffer.byteLength(sent.body)) };
    const req = request(`${base}${sent.path}`, { method: sent.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(sent.body);
  });
}
