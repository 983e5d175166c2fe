import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type ErrorCode } from '../../errors.js';
import { problem, problemResponse } from '../problem.js';

/** Powertools idempotency failures that are the client's doing, by error name. */
const IDEMPOTENCY_PROBLEMS: Record<string, { code: ErrorCode; detail: string }> = {
  IdempotencyValidationError: {
    code: 'idempotency_key_reused',
    detail: 'this Idempotency-Key was already used with a different request body',
  },
  IdempotencyAlreadyInProgressError: {
    code: 'request_in_progress',
    detail: 'a request with this Idempotency-Key is still being processed; retry shortly',
  },
};

/**
 * Turns every error into an RFC 9457 problem response. Domain errors carry their status; anything
 * else is a bug and becomes a 500 that names no internals. It sets the response without returning
 * it, so the CORS and security-header middlewares still decorate it.
 */
export function problemErrors(logger: Logger): MiddlewareObj {
  return {
    onError: (request: Request) => {
      const error = request.error;
      let response: APIGatewayProxyStructuredResultV2;
      if (error instanceof DomainError) {
        response = problemResponse(problem(error.code, error.message, error.extensions));
        logger.debug('request rejected', { status: error.status, code: error.code, detail: error.message });
      } else if (error instanceof Error && IDEMPOTENCY_PROBLEMS[error.name]) {
        const known = IDEMPOTENCY_PROBLEMS[error.name]!;
        response = problemResponse(problem(known.code, known.detail));
      } else if (isTransientAwsError(error)) {
        // Throttling or a service-side fault of the store or bus: the same request can succeed.
        logger.warn('transient AWS error', error as Error);
        response = problemResponse(
          problem(
            'backing_service_busy',
            'a backing service is busy or briefly unavailable; it is safe to retry',
          ),
          { 'retry-after': '1' },
        );
      } else {
        // A bug: nothing says a retry would fare better, so the answer does not promise it.
        logger.error('unhandled error', error as Error);
        response = problemResponse(
          problem('internal_error', 'the request failed unexpectedly and was logged'),
        );
      }
      request.response = response;
    },
  };
}

/** SDK v3 errors the SDK itself classes as retryable (throttling, 5xx, timeouts). */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdk = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return (
    TRANSIENT_NAMES.has(error.name) ||
    sdk.$retryable !== undefined ||
    (sdk.$metadata?.httpStatusCode ?? 0) >= 500
  );
}
