import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/**
 * RFC 9457 problem details. `code` is an entry of the one catalogue (ERROR_CODES, documented in
 * docs/api.md#error-codes); `type` is PROBLEM_TYPE_BASE + code, and status and title are the code's.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly [extension: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://opsdesk.dev/problems/';

export function problemType(code: ErrorCode): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

export function problem(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const { status, title } = ERROR_CODES[code];
  // Extensions never override the standard members (a domain `status` is not the HTTP status).
  return { ...extensions, type: problemType(code), title, status, detail, code };
}

export function problemResponse(
  body: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: body.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(body),
  };
}
