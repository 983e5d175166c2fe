import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TTL_ATTRIBUTE } from '../../dynamodb/table-definition.js';
import { ValidationError } from '../../errors.js';

const OWNS_RECORD = 'opsdesk.idempotency.owned';

/** The documented bound (docs/api.md, the OpenAPI header parameter): exact, not approximate. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The response header that marks a replay (docs/api.md#idempotency): `Idempotent-Replayed: true`. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * The stored first response, marked as a replay. Only replays pass through Powertools'
 * `responseHook`; the first response is stored and answered without the header.
 */
export function markReplayed(response: unknown): unknown {
  if (response === null || typeof response !== 'object' || Array.isArray(response)) return response;
  const stored = response as { headers?: Record<string, unknown> };
  return { ...stored, headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' } };
}

/**
 * Refuses a key that cannot name one request of one caller. A blank key would otherwise hash to
 * one constant for every caller (the key expression yields "" and Powertools hashes it), so one
 * caller's response would be replayed to another.
 */
export function checkIdempotencyKey(key: string): void {
  let message: string | undefined;
  if (key.trim() === '') message = 'must not be empty or only white space';
  else if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    message = `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${key.length})`;
  else if (/\p{Cc}/u.test(key)) message = 'must not contain control characters';
  if (message)
    throw new ValidationError([{ path: 'Idempotency-Key', message }], `header Idempotency-Key ${message}`);
}

/**
 * `Idempotency-Key` on POST (docs/api.md#idempotency) through Powertools idempotency, records kept in the single
 * table for 24 h. The key is scoped to the caller and the path, and the body is validated, so the
 * same key with another body is 422 and a repeat while the first runs is 409.
 *
 * Two guards around Powertools' middleware: it applies only to POST requests, and its error hook
 * (which deletes the record so a failed request can be retried) runs only when this request
 * created the record. Otherwise a 409/422 for a duplicate would delete the first request's record.
 * A replay carries `Idempotent-Replayed: true` (markReplayed), so a client can tell it apart.
 */
export function postIdempotency(dynamo: DynamoDBDocumentClient, tableName: string): MiddlewareObj {
  const inner = makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName,
      keyAttr: 'PK',
      sortKeyAttr: 'SK',
      expiryAttr: TTL_ATTRIBUTE,
      awsSdkV3Client: dynamo,
    }),
    config: new IdempotencyConfig({
      // Always scoped to the caller: the subject is part of every key (checkIdempotencyKey has
      // already refused keys that are blank, so `&&` only skips requests without the header).
      eventKeyJmesPath:
        'headers."idempotency-key" && [requestContext.authorizer.jwt.claims.sub, requestContext.http.method, rawPath, headers."idempotency-key"]',
      payloadValidationJmesPath: 'body',
      expiresAfterSeconds: 24 * 60 * 60,
      responseHook: (response) => markReplayed(response) as typeof response,
    }),
  });
  const applies = (request: Request) =>
    (request.event as APIGatewayProxyEventV2).requestContext?.http?.method === 'POST';
  return {
    before: async (request: Request) => {
      if (!applies(request)) return undefined;
      const event = request.event as APIGatewayProxyEventV2;
      const key = event.headers?.['idempotency-key'];
      if (key !== undefined) checkIdempotencyKey(key);
      // No subject, no scope: never share a record between anonymous callers.
      if (
        key !== undefined &&
        !(event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: string } } } }).authorizer?.jwt
          ?.claims?.sub
      )
        return undefined;
      const replay = await inner.before!(request);
      if (replay === undefined) owned(request)[OWNS_RECORD] = true;
      return replay;
    },
    after: async (request: Request) => {
      if (owned(request)[OWNS_RECORD]) await inner.after!(request);
    },
    onError: async (request: Request) => {
      if (owned(request)[OWNS_RECORD]) await inner.onError!(request);
    },
  };
}

function owned(request: Request): Record<string, unknown> {
  return request.internal as Record<string, unknown>;
}
