import type * as z from 'zod/mini';
import type { Caller } from '../authz.js';
import type { Page, PageRequest } from '../store.js';
import type { RouteContract } from './route-contract.js';

/** What an operation answers; the router serialises it. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface OperationInput<B, Q> {
  readonly caller: Caller;
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Opens the query's `cursor` (if any) for this operation, caller and filters. */
  readonly page: (query: { limit: number; cursor?: string | undefined }) => Promise<PageRequest>;
  /** `{items, nextCursor}` with the next cursor sealed to the same query. */
  readonly pageBody: <T>(page: Page<T>) => Promise<{ items: T[]; nextCursor: string | null }>;
}

/** One route's behaviour: edge schemas (strict zod) and the use case it calls. */
export interface Operation<B = unknown, Q = unknown> extends Partial<Omit<RouteContract, 'body' | 'query'>> {
  readonly body?: z.ZodMiniType<B>;
  readonly query?: z.ZodMiniType<Q>;
  /**
   * The domain's role rule for the whole route, run before the query and body are validated: a
   * caller without the right gets 403 whatever they send, and learns nothing of what a valid body
   * looks like. The use case checks again; this only orders the answers.
   */
  readonly authorize?: (caller: Caller) => void;
  handle(input: OperationInput<B, Q>): Promise<Reply>;
}

/** Keeps each operation's body/query types while collecting them in one map. */
export function operation<B = undefined, Q = undefined>(definition: Operation<B, Q>): Operation {
  return definition as Operation;
}
