import { type Caller, canReadAllTickets } from '../shared/authz.js';
import { type FieldError, ForbiddenError, ValidationError } from '../shared/errors.js';
import { COUNT_DIMENSIONS, type CountCell, type CountDimension } from './count-model.js';
import { TICKET_STATUSES, type Ticket } from './model.js';
import { MAX_FILTER_VALUES, NONE } from './queue.js';
import type { TicketCountStore } from './store/ticket-count-store.js';

/**
 * Live queue counts (docs/api.md#queue-counts): how many tickets are in each status, group,
 * priority or assignee bucket, kept exactly by a stream consumer (counts.function.ts) so a
 * dashboard reads one counter per bucket and never lists a queue to count it.
 *
 * Counters come in scopes: `*` (all tickets) and `<dimension>=<value>` (tickets with that value),
 * so `by=status&group=net` reads the `group=net` scope. A ticket is in 16 counters: 4 unscoped, and
 * for each of the 4 dimensions as a scope, one per other dimension.
 */
export { COUNT_DIMENSIONS, type CountCell, type CountDimension } from './count-model.js';

export const ALL_SCOPE = '*';

/** The bucket a ticket falls in along a dimension (`none` for no group or assignee). */
export function bucketOf(ticket: Pick<Ticket, CountDimension>, dimension: CountDimension): string {
  const value = ticket[dimension];
  return value === null ? NONE : String(value);
}

export const scopeOf = (dimension: CountDimension, value: string) => `${dimension}=${value}`;
export const cellBucket = (dimension: CountDimension, value: string) => `${dimension}#${value}`;

/** Every counter a ticket adds one to; empty once it is gone. */
export function countCellsOf(ticket: Ticket | undefined): CountCell[] {
  if (!ticket) return [];
  const cells: CountCell[] = [];
  for (const by of COUNT_DIMENSIONS) {
    cells.push({ scope: ALL_SCOPE, bucket: cellBucket(by, bucketOf(ticket, by)) });
    for (const scoped of COUNT_DIMENSIONS) {
      if (scoped === by) continue;
      cells.push({
        scope: scopeOf(scoped, bucketOf(ticket, scoped)),
        bucket: cellBucket(by, bucketOf(ticket, by)),
      });
    }
  }
  return cells;
}

/** What `GET /tickets/counts` asks: a dimension, and at most one other dimension's values to count within. */
export interface CountQuery {
  readonly by: CountDimension;
  readonly filter?: { readonly dimension: CountDimension; readonly values: readonly string[] };
}

export interface CountParams {
  readonly by?: string;
  readonly status?: string;
  readonly group?: string;
  readonly priority?: string;
  readonly assignee?: string;
}

const VALUE_RULES: Record<CountDimension, { test: (value: string) => boolean; expected: string }> = {
  status: {
    test: (value) => (TICKET_STATUSES as readonly string[]).includes(value),
    expected: `one of ${TICKET_STATUSES.join(', ')}`,
  },
  group: { test: (value) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(value), expected: `a group id or "${NONE}"` },
  priority: { test: (value) => /^[1-5]$/.test(value), expected: 'a priority 1–5' },
  assignee: { test: (value) => /^[^\s\p{Cc},]{1,128}$/u.test(value), expected: `a user id or "${NONE}"` },
};

/** 400 naming the parameter for an unknown `by`, a second filter, a filter on `by` itself, bad values. */
export function parseCountParams(params: CountParams): CountQuery {
  const errors: FieldError[] = [];
  const by = params.by as CountDimension;
  if (!(COUNT_DIMENSIONS as readonly string[]).includes(params.by ?? '')) {
    errors.push({ path: 'by', message: `must be one of ${COUNT_DIMENSIONS.join(', ')}` });
  }
  const filters = COUNT_DIMENSIONS.filter((dimension) => params[dimension] !== undefined);
  let filter: CountQuery['filter'];
  if (filters.length > 1) {
    errors.push({
      path: filters[1]!,
      message: `counts take one filter at most (${filters.join(' and ')} given): counters exist per pair of dimensions`,
    });
  } else if (filters.length === 1) {
    const dimension = filters[0]!;
    const values = [...new Set(params[dimension]!.split(','))];
    if (dimension === by) {
      errors.push({ path: dimension, message: `cannot filter on the dimension counted (by=${by})` });
    } else if (values.length > MAX_FILTER_VALUES) {
      errors.push({
        path: dimension,
        message: `takes at most ${MAX_FILTER_VALUES} values, not ${values.length}`,
      });
    } else {
      const rule = VALUE_RULES[dimension];
      const bad = values.find((value) => value !== NONE && !rule.test(value));
      if (bad !== undefined || (dimension !== 'group' && dimension !== 'assignee' && values.includes(NONE))) {
        errors.push({
          path: dimension,
          message: `${JSON.stringify((bad ?? NONE).slice(0, 64))} is not ${rule.expected}`,
        });
      } else filter = { dimension, values };
    }
  }
  if (errors.length > 0)
    throw new ValidationError(errors, `invalid query: ${errors.map((e) => e.path).join(', ')}`);
  return filter ? { by, filter } : { by };
}

export interface CountBucket {
  readonly value: string;
  readonly count: number;
}

export interface QueueCounts {
  readonly by: CountDimension;
  readonly buckets: readonly CountBucket[];
  readonly total: number;
}

/** Reads the counters: one item per bucket (per filter value, summed). */
export class TicketCountService {
  constructor(private readonly store: TicketCountStore) {}

  async counts(caller: Caller, query: CountQuery): Promise<QueueCounts> {
    if (!canReadAllTickets(caller))
      throw new ForbiddenError('only agents, approvers and admins read queue counts');
    const scopes = query.filter
      ? query.filter.values.map((value) => scopeOf(query.filter!.dimension, value))
      : [ALL_SCOPE];
    const read = await Promise.all(scopes.map((scope) => this.store.read(scope, query.by)));
    const sums = new Map<string, number>();
    if (query.by === 'status') for (const status of TICKET_STATUSES) sums.set(status, 0);
    if (query.by === 'priority') for (const priority of ['1', '2', '3', '4', '5']) sums.set(priority, 0);
    for (const counters of read) {
      for (const [value, count] of Object.entries(counters)) sums.set(value, (sums.get(value) ?? 0) + count);
    }
    const buckets = [...sums]
      .filter(([, count]) => count !== 0 || query.by === 'status' || query.by === 'priority')
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) =>
        query.by === 'status' || query.by === 'priority'
          ? 0
          : b.count - a.count || (a.value < b.value ? -1 : 1),
      );
    return { by: query.by, buckets, total: buckets.reduce((sum, bucket) => sum + bucket.count, 0) };
  }
}

/**
 * The stream consumer's use case: bring the counters in line with a ticket as the stream shows it.
 * Idempotent (a redelivered or older version is a no-op) and exact (moves are computed from what
 * the counters hold of the ticket, not from the stream's old image).
 */
export async function countTicket(
  store: TicketCountStore,
  ticketId: string,
  ticket: Ticket | undefined,
  version: number,
) {
  return store.record(ticketId, version, countCellsOf(ticket));
}
