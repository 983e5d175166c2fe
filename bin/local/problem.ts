import { genericCode } from '../../functions/shared/errors.js';
import {
  type Problem as HandlerProblem,
  problem as handlerProblem,
} from '../../functions/shared/http/problem.js';

/** RFC 9457 problem details, the same shape the handlers answer (docs/api.md#errors). */
export type Problem = HandlerProblem & {
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A problem the local server answers itself (the parts API Gateway plays on AWS: routing, the JWT
 * authorizer, payload limits): the generic code of the status from the same catalogue as the
 * handlers' problems, so the same `type`, `code` and `title`.
 */
export function problem(
  status: number,
  detail: string,
  extra: { readonly errors?: Problem['errors'] } = {},
): Problem {
  return handlerProblem(genericCode(status), detail, extra) as Problem;
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
