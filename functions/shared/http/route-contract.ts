import type * as z from 'zod/mini';

/**
 * Per route: the request schemas the handler validates with and the success response the OpenAPI
 * document promises. Handlers spread these into their operations, so the document cannot describe
 * a schema the code does not enforce.
 */
export interface RouteContract {
  /** One line: the operation's summary in the OpenAPI document. */
  readonly summary: string;
  /**
   * The operation's description in the OpenAPI document: what it does and who may call it
   * (docs/api.md#authentication-and-roles). The document adds what the pipeline makes true of
   * every such route (Idempotency-Key, If-Match); test/http/openapi.test.ts requires one per route.
   */
  readonly description?: string;
  readonly body?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  readonly success: {
    readonly status: number;
    readonly schema?: z.ZodMiniType;
    readonly headers?: readonly string[];
  };
  /** A create-or-replace PUT: also answers 201, with Location and the success headers, when it created the record. */
  readonly creates?: true;
  /**
   * An idempotent create (success 201): it answers 200 with the stored record when that exists
   * already. The text describes that answer in the document.
   */
  readonly existing?: string;
  /**
   * Routes outside the JWT authorizer: the OpenAPI security requirements they take instead (names
   * of the document's securitySchemes); none: the route takes no credentials at all.
   */
  readonly security?: readonly Record<string, readonly string[]>[];
  /** The body may also come form-encoded (`application/x-www-form-urlencoded`), as browsers post forms. */
  readonly form?: true;
  /** Also answers `text/html` (a page for browsers) when the request's `Accept` prefers it. */
  readonly html?: true;
  /** Client-error statuses this route can answer besides 400/401/403. */
  readonly errors?: readonly number[];
}
