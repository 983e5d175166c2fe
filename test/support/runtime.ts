import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../bin/local/aws-clients.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../bin/local/runtime.js';
import { testDynamoEndpoint, uniqueTableName } from './dynamodb.js';

export type { LocalRuntime } from '../../bin/local/runtime.js';

/** Options of a test runtime: everything but where it runs (port 0, own table, shared DynamoDB Local). */
export type TestRuntimeOptions = Omit<LocalRuntimeOptions, 'port' | 'host' | 'dynamoEndpoint' | 'tableName'>;

/**
 * The whole local stack for one test file: real handlers (unless `functions` replaces them), a
 * free port, a table of its own on the run's DynamoDB Local, quiet logs. `stop()` also drops the
 * table. Typical use:
 *
 *   let rt: LocalRuntime;
 *   beforeAll(async () => { rt = await startTestRuntime(); });
 *   afterAll(() => rt.stop());
 *   const res = await api(rt).request('POST', '/tickets', { token: rt.tokenFor('alice', ['requester']), body });
 */
export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<LocalRuntime> {
  const endpoint = testDynamoEndpoint();
  const tableName = uniqueTableName('rt');
  const runtime = await startLocalRuntime({
    quiet: true,
    corsOrigins: [],
    streamPollMs: 50,
    // Tests sweep explicitly (POST /_local/sweep) so SLA outcomes are deterministic.
    slaSweepMs: 0,
    ...options,
    port: 0,
    host: '127.0.0.1',
    dynamoEndpoint: endpoint,
    tableName,
  });
  let stopping: Promise<void> | undefined;
  return {
    ...runtime,
    stop: () => {
      stopping ??= (async () => {
        await runtime.stop();
        const client = localDynamoClient(endpoint);
        try {
          await client.send(new DeleteTableCommand({ TableName: tableName }));
        } finally {
          client.destroy();
        }
      })();
      return stopping;
    },
  };
}

/** Response of the test API client; `json` is the parsed body when it is JSON, else undefined. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely (res.json.items[0].id)
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly json: T;
  readonly text: string;
}

export interface ApiRequestOptions {
  /** Bearer token; `null` sends none even when the client has a default. */
  readonly token?: string | null;
  /** An object is sent as JSON; a string or Buffer is sent as is (e.g. malformed JSON). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiClient {
  // biome-ignore lint/suspicious/noExplicitAny: see ApiResponse
  request<T = any>(method: string, path: string, options?: ApiRequestOptions): Promise<ApiResponse<T>>;
}

/** A tiny fetch wrapper for `runtime.url`; `defaults.token` is sent unless a request overrides it. */
export function api(
  runtime: Pick<LocalRuntime, 'url'>,
  defaults: { readonly token?: string } = {},
): ApiClient {
  return {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      const token = options.token === undefined ? defaults.token : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | Buffer | undefined;
      if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
        body = options.body;
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      Object.assign(headers, options.headers);
      const res = await fetch(`${runtime.url}${path}`, { method, headers, body });
      const text = await res.text();
      const isJson = /json/i.test(res.headers.get('content-type') ?? '');
      let json: unknown;
      if (isJson && text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      // biome-ignore lint/suspicious/noExplicitAny: see ApiResponse
      return { status: res.status, headers: res.headers, json: json as any, text };
    },
  };
}
