import { type FieldError, ValidationError } from '../shared/errors.js';
import { CLOCKS } from '../sla/model.js';
import {
  TICKET_SOURCES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type Ticket,
  type TicketSource,
  type TicketStatus,
  type TicketType,
} from './model.js';

/**
 * Agent queues (docs/api.md#lists-and-pagination): the filters and sorts of `GET /tickets`, as the
 * domain and the store adapters share them. Every filter narrows; one of them picks the index
 * partitions a page is read from (ticket-keys.ts `planQuery`), the others narrow what it reads.
 */
export const TICKET_SORTS = ['newest', 'oldest', 'updated', 'priority', 'sla'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** Sorts read from a per-ticket queue item (ticket-keys.ts `queueItems`), not the ticket item. */
export const PROJECTED_SORTS = ['updated', 'priority', 'sla'] as const satisfies readonly TicketSort[];
export type ProjectedSort = (typeof PROJECTED_SORTS)[number];

/** Most values one filter takes (`status=new,in_progress`): each is one index partition at most. */
export const MAX_FILTER_VALUES = 10;

/** The value of `assignee` and `group` that means "none" (unassigned, no group). */
export const NONE = 'none';

export type OneOrMany<T> = T | readonly T[];

/** The list filters; each may hold several values (any of them matches). `null`: none set. */
export interface TicketQuery {
  readonly type?: OneOrMany<TicketType>;
  readonly status?: OneOrMany<TicketStatus>;
  readonly priority?: OneOrMany<number>;
  readonly assignee?: OneOrMany<string | null>;
  readonly group?: OneOrMany<string | null>;
  readonly requester?: string;
  /**
   * Any of these requesters: one list over several byRequester partitions (a requester's own
   * tickets under their id and their person ids; at most a few, each one query).
   */
  readonly requesters?: readonly string[];
  readonly ciId?: string;
  readonly source?: OneOrMany<TicketSource>;
  readonly serviceId?: OneOrMany<string>;
  /** Created at or after / at or before (ISO instants). */
  readonly createdFrom?: string;
  readonly createdTo?: string;
  /** Updated at or after. */
  readonly updatedSince?: string;
  /** Only tickets with (true) or without (false) a breached SLA clock. */
  readonly slaBreached?: boolean;
  readonly sort?: TicketSort;
}

export function valuesOf<T>(value: OneOrMany<T> | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** What a queue item carries of its ticket: enough to narrow by every filter before the ticket is read. */
export interface TicketFacets {
  readonly id: string;
  readonly type: TicketType;
  readonly status: TicketStatus;
  readonly priority: number;
  readonly assignee: string | null;
  readonly group: string | null;
  readonly requesterId: string;
  /** Absent on queue items (it would rewrite them on every CI change): checked on the ticket read. */
  readonly ciIds?: readonly string[];
  readonly source: TicketSource;
  readonly serviceId: string | null;
  readonly createdAt: string;
  /** Absent on queue items (it would rewrite them on every write): checked on the ticket read. */
  readonly updatedAt?: string;
  readonly slaBreached: boolean;
}

export function facetsOf(ticket: Ticket): TicketFacets {
  return {
    id: ticket.id,
    type: ticket.type,
    status: ticket.status,
    priority: ticket.priority,
    assignee: ticket.assignee,
    group: ticket.group,
    requesterId: ticket.requester.id,
    ciIds: [...ticket.ciIds],
    source: ticket.source,
    serviceId: ticket.serviceId ?? null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    slaBreached: isSlaBreached(ticket),
  };
}

/**
 * What a queue item keeps of its ticket: the facets that change only when the ticket moves between
 * queues (status, assignment, priority, breach), so a write that moves nothing leaves the
 * `priority` and `sla` queue items as they are.
 */
export function queueFacetsOf(ticket: Ticket): TicketFacets {
  const { ciIds: _ciIds, updatedAt: _updatedAt, ...facets } = facetsOf(ticket);
  return facets;
}

/** A clock of the ticket's SLA breached (and the breach is recorded). */
export function isSlaBreached(ticket: Pick<Ticket, 'sla'>): boolean {
  const sla = ticket.sla;
  return !!sla && CLOCKS.some((name) => sla[name].breachedAt !== null);
}

/**
 * The next SLA due time still ahead of the ticket: the earliest `dueAt` of a running clock (not
 * met, not paused); one that has passed is overdue and comes first. Undefined: nothing is due.
 */
export function nextSlaDue(ticket: Pick<Ticket, 'sla' | 'status'>): string | undefined {
  const sla = ticket.sla;
  if (!sla || ['resolved', 'closed', 'cancelled'].includes(ticket.status)) return undefined;
  const due = CLOCKS.map((name) => sla[name])
    .filter((clock) => clock.metAt === null && clock.pauses.at(-1)?.to !== null && clock.dueAt)
    .map((clock) => clock.dueAt!)
    .sort();
  return due[0];
}

/** Whether the ticket (or a queue item's facets) satisfies every filter of the query. */
export function matchesFacets(facets: TicketFacets, query: TicketQuery): boolean {
  const any = <T>(filter: OneOrMany<T> | undefined, value: T) =>
    filter === undefined || (valuesOf(filter) as readonly T[]).includes(value);
  return (
    any(query.type, facets.type) &&
    any(query.status, facets.status) &&
    any(query.priority, facets.priority) &&
    any(query.assignee, facets.assignee) &&
    any(query.group, facets.group) &&
    any(query.source, facets.source) &&
    (query.serviceId === undefined ||
      (facets.serviceId !== null && any(query.serviceId, facets.serviceId))) &&
    (query.requester === undefined || facets.requesterId === query.requester) &&
    (query.requesters === undefined || query.requesters.includes(facets.requesterId)) &&
    (query.ciId === undefined || facets.ciIds === undefined || facets.ciIds.includes(query.ciId)) &&
    (query.createdFrom === undefined || facets.createdAt >= query.createdFrom) &&
    (query.createdTo === undefined || facets.createdAt <= query.createdTo) &&
    (query.updatedSince === undefined ||
      facets.updatedAt === undefined ||
      facets.updatedAt >= query.updatedSince) &&
    (query.slaBreached === undefined || facets.slaBreached === query.slaBreached)
  );
}

/**
 * The raw query parameters of a queue (as `GET /tickets` and saved views carry them): strings,
 * several values comma-separated (API Gateway joins repeated parameters with commas too).
 */
export interface QueueParams {
  readonly type?: string;
  readonly status?: string;
  readonly priority?: string;
  readonly assignee?: string;
  readonly group?: string;
  readonly requester?: string;
  readonly ciId?: string;
  readonly source?: string;
  readonly serviceId?: string;
  readonly createdFrom?: string;
  readonly createdTo?: string;
  readonly updatedSince?: string;
  readonly slaBreached?: string;
  readonly sort?: string;
}

export const QUEUE_PARAM_NAMES = [
  'type',
  'status',
  'priority',
  'assignee',
  'group',
  'requester',
  'ciId',
  'source',
  'serviceId',
  'createdFrom',
  'createdTo',
  'updatedSince',
  'slaBreached',
  'sort',
] as const satisfies readonly (keyof QueueParams)[];

const IDENTIFIER = /^[^\s\p{Cc},]{1,128}$/u;
const GROUP_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Turns the raw parameters into a query, or a 400 naming every faulty parameter: unknown values,
 * more than MAX_FILTER_VALUES in one filter, malformed instants, a reversed date range.
 */
export function parseQueueParams(params: QueueParams): TicketQuery {
  const errors: FieldError[] = [];
  const list = <T>(
    name: keyof QueueParams,
    accept: (value: string) => T | undefined,
    expected: string,
  ): T[] | undefined => {
    const raw = params[name];
    if (raw === undefined) return undefined;
    const parts = raw.split(',');
    if (parts.length > MAX_FILTER_VALUES) {
      errors.push({ path: name, message: `takes at most ${MAX_FILTER_VALUES} values, not ${parts.length}` });
      return undefined;
    }
    const values: T[] = [];
    for (const part of parts) {
      const value = accept(part);
      if (value === undefined) {
        errors.push({ path: name, message: `${JSON.stringify(part.slice(0, 64))} is not ${expected}` });
        return undefined;
      }
      if (!values.includes(value)) values.push(value);
    }
    return values;
  };
  const oneOf =
    <T extends string>(allowed: readonly T[]) =>
    (value: string) =>
      (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  const instant = (name: 'createdFrom' | 'createdTo' | 'updatedSince') => {
    const raw = params[name];
    if (raw === undefined) return undefined;
    if (!INSTANT.test(raw) || Number.isNaN(Date.parse(raw))) {
      errors.push({
        path: name,
        message: 'must be an ISO 8601 UTC instant such as 2026-12-01T00:00:00.000Z',
      });
      return undefined;
    }
    return new Date(raw).toISOString();
  };
  const single = (name: 'requester' | 'ciId') => {
    const raw = params[name];
    if (raw === undefined) return undefined;
    if (!IDENTIFIER.test(raw)) {
      errors.push({ path: name, message: 'must be 1–128 printable characters without spaces or commas' });
      return undefined;
    }
    return raw;
  };

  const type = list('type', oneOf(TICKET_TYPES), `one of ${TICKET_TYPES.join(', ')}`);
  const status = list('status', oneOf(TICKET_STATUSES), `one of ${TICKET_STATUSES.join(', ')}`);
  const priority = list(
    'priority',
    (value) => (/^[1-5]$/.test(value) ? Number(value) : undefined),
    'a priority 1–5',
  );
  const assignee = list(
    'assignee',
    (value) => (value === NONE ? null : IDENTIFIER.test(value) ? value : undefined),
    `a user id or "${NONE}"`,
  );
  const group = list(
    'group',
    (value) => (value === NONE ? null : GROUP_ID.test(value) ? value : undefined),
    `a group id or "${NONE}"`,
  );
  const source = list('source', oneOf(TICKET_SOURCES), `one of ${TICKET_SOURCES.join(', ')}`);
  const serviceId = list('serviceId', (value) => (IDENTIFIER.test(value) ? value : undefined), 'a CI id');
  const createdFrom = instant('createdFrom');
  const createdTo = instant('createdTo');
  const updatedSince = instant('updatedSince');
  if (createdFrom && createdTo && createdFrom > createdTo) {
    errors.push({ path: 'createdTo', message: 'must not be before createdFrom' });
  }
  let slaBreached: boolean | undefined;
  if (params.slaBreached !== undefined) {
    if (params.slaBreached === 'true' || params.slaBreached === 'false') {
      slaBreached = params.slaBreached === 'true';
    } else errors.push({ path: 'slaBreached', message: 'must be true or false' });
  }
  let sort: TicketSort | undefined;
  if (params.sort !== undefined) {
    sort = oneOf(TICKET_SORTS)(params.sort);
    if (!sort) errors.push({ path: 'sort', message: `must be one of ${TICKET_SORTS.join(', ')}` });
  }
  const requester = single('requester');
  const ciId = single('ciId');
  if (errors.length > 0) {
    throw new ValidationError(errors, `invalid query: ${[...new Set(errors.map((e) => e.path))].join(', ')}`);
  }
  return strip({
    type,
    status,
    priority,
    assignee,
    group,
    requester,
    ciId,
    source,
    serviceId,
    createdFrom,
    createdTo,
    updatedSince,
    slaBreached,
    sort,
  });
}

/** The query without its absent members (so equal queries compare and fingerprint equal). */
function strip(query: Record<string, unknown>): TicketQuery {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as TicketQuery;
}

/** The parameters that are set, as saved views store them. */
export function queueParamsOf(raw: Record<string, unknown>): QueueParams {
  const params: Record<string, string> = {};
  for (const name of QUEUE_PARAM_NAMES) {
    const value = raw[name];
    if (typeof value === 'string') params[name] = value;
  }
  return params;
}
