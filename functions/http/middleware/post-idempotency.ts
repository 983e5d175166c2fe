import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TTL_ATTRIBUTE } from '../../adapters/dynamodb/table-definition.js';

const OWNS_RECORD = 'opsdesk.idempotency.owned';

/**
 * `Idempotency-Key` on POST (SPEC §4) through Powertools idempotency, records kept in the single
 * table for 24 h. The key is scoped to the caller and the path, and the body is validated, so the
 * same key with another body is 422 and a repeat while the first runs is 409.
 *
 * Two guards around Powertools' middleware: it applies only to POST requests, and its error hook
 * (which deletes the record so a failed request can be retried) runs only when this request
 * created the record. Otherwise a 409/422 for a duplicate would delete the first request's record.
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
      eventKeyJmesPath:
        'headers."idempotency-key" && [requestContext.authorizer.jwt.claims.sub, requestContext.http.method, rawPath, headers."idempotency-key"]',
      payloadValidationJmesPath: 'body',
      expiresAfterSeconds: 24 * 60 * 60,
    }),
  });
  const applies = (request: Request) =>
    (request.event as APIGatewayProxyEventV2).requestContext?.http?.method === 'POST';
  return {
    before: async (request: Request) => {
      if (!applies(request)) return undefined;
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
