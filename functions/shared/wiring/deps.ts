import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../clock/clock.js';
import type { PersonSightings } from '../people.js';

/**
 * What the outside world gives a handler, split by what needs it: each Lambda entry builds only
 * its own part (functions/entry), so a function never bundles or initialises a client it does not
 * use. The local runtime builds all of it once (AppDeps). Same handlers, two wirings.
 */

/** What the HTTP pipeline itself needs (functions/shared/http/pipeline.ts). */
export interface PipelineDeps {
  /** Key for sealing list cursors. Fetched once and cached by the caller's wiring. */
  readonly cursorKey: () => Promise<Uint8Array>;
  /** Origins allowed by CORS; empty means no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** Claim holding the caller's groups/roles (docs/api.md#authentication-and-roles; default `cognito:groups`). */
  readonly groupsClaim: string;
  /**
   * Issuers whose tokens carry only addresses they verified, `email_verified` or not (stack config
   * `emailVerifyingIssuers`; docs/api.md#one-person-across-channels). Default none.
   */
  readonly emailVerifyingIssuers?: readonly string[];
  /** Where a verified caller is recorded in the people directory on first sight (none: not recorded). */
  readonly people?: PersonSightings;
}

/** The table, for every handler that reads or writes records. */
export interface TableDeps {
  readonly tableName: string;
  readonly dynamo: DynamoDBDocumentClient;
  readonly clock: Clock;
}

export type HttpDeps = PipelineDeps & TableDeps;
