import { STATUS_CODES } from 'node:http';
import { problemType } from '../../functions/shared/http/problem.js';

/** RFC 9457 problem details, as the handlers also answer them (SPEC §4). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A problem the local server answers itself (the parts API Gateway plays on AWS: routing, the JWT
 * authorizer, payload limits). Same `type` URIs as the handlers' problems, the status phrase as title.
 */
export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(status), title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra };
}

/** A complete HTTP response carrying a problem, ready to write. */
export interface LocalResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): LocalResponse {
  return {
    status: p.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(p),
  };
}

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): LocalResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}
