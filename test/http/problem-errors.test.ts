import { Logger } from '@aws-lambda-powertools/logger';
import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/shared/errors.js';
import { problemErrors } from '../../functions/shared/http/middleware/problem-errors.js';

/** What a client is told for each kind of failure; "safe to retry" only where a retry can help. */
function answer(error: unknown) {
  const request = { error, response: undefined } as unknown as Request;
  problemErrors(new Logger({ logLevel: 'SILENT' })).onError!(request);
  const response = request.response as { statusCode: number; headers: Record<string, string>; body: string };
  return { ...response, json: JSON.parse(response.body) };
}

describe('problemErrors', () => {
  it('a bug is a 500 that promises nothing about retrying', () => {
    const res = answer(new Error('Item size has exceeded the maximum allowed size'));
    expect(res.statusCode).toBe(500);
    expect(res.json.detail).not.toMatch(/retry/i);
    expect(res.json.detail).not.toMatch(/Item size/);
  });

  it('a DynamoDB validation failure (400 from the service) is not called transient either', () => {
    const error = Object.assign(new Error('Item size has exceeded'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    const res = answer(error);
    expect(res.statusCode).toBe(500);
    expect(res.json.detail).not.toMatch(/retry/i);
  });

  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InternalServerError', 500],
  ])('%s from AWS is a 503 that is safe to retry, with Retry-After', (name, httpStatusCode) => {
    const res = answer(Object.assign(new Error(name), { name, $metadata: { httpStatusCode } }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json.detail).toMatch(/safe to retry/);
  });

  it('domain errors keep their status and extension members', () => {
    const res = answer(new ConflictError('no', { from: 'new', to: 'closed', allowed: ['in_progress'] }));
    expect(res.statusCode).toBe(409);
    expect(res.json).toMatchObject({ status: 409, from: 'new', to: 'closed', allowed: ['in_progress'] });
  });
});
