import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { DomainError, type FieldError, ValidationError } from '../errors.js';

/** Bodies beyond this are refused before parsing: the largest valid body (64 KiB text) fits easily. */
export const MAX_BODY_BYTES = 256 * 1024;

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  constructor(detail: string) {
    super('payload_too_large', detail);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  constructor(detail: string) {
    super('unsupported_media_type', detail);
  }
}

/** The JSON body, or undefined when there is none; 413/415/400 for what cannot be JSON. */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `request bodies are limited to ${MAX_BODY_BYTES} bytes; this one has ${raw.length}`,
    );
  }
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!/^application\/([\w.+-]+\+)?json$/.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      `send JSON with content-type application/json (got ${contentType || 'none'})`,
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ValidationError([{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
}

/** Validates with a strict schema; every issue becomes a 400 entry naming its path. */
export function validate<T>(schema: z.ZodMiniType<T>, value: unknown, where: 'body' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'is not a known field' }));
    }
    if (value === undefined && base.length === 0) {
      return [{ path: '', message: `a JSON ${where} is required` }];
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
  throw new ValidationError(
    errors,
    `invalid ${where}: ${errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`,
  );
}
