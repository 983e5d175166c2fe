import { dueIndexKeys } from '../../shared/dynamodb/due-index.js';
import { INDEXES, type IndexName, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { MergeKeys } from '../../shared/merged-pages.js';
import type { Page, PageRequest } from '../../shared/store.js';
import { nextSlaDeadline } from '../../sla/sweep.js';
import type { Ticket } from '../model.js';
import {
  facetsOf,
  MAX_FILTER_VALUES,
  matchesFacets,
  nextSlaDue,
  PROJECTED_SORTS,
  type ProjectedSort,
  queueFacetsOf,
  type TicketFacets,
  type TicketQuery,
  type TicketSort,
  valuesOf,
} from '../queue.js';

/**
 * Ticket items in the single table (docs/architecture.md explains the layout):
 *   TICKET#<id>  TICKET                     the ticket (all list indexes project it)
 *   TICKET#<id>  CI#<ciId>                  membership in the byCi index
 *   TICKET#<id>  COMMENT#<at>#<ulid>        comments, oldest first
 *   TICKET#<id>  HISTORY#<at>#<ulid>        history (shared/dynamodb/keys.ts)
 *   TICKET#<id>  QUEUE#<sort>               one queue item per projected sort (queueItems)
 *   TICKET#<id>  COUNTED                    what the queue counts hold of it (counts.ts)
 */
export const ticketKey = (id: string) => ({ PK: `TICKET#${id}`, SK: 'TICKET' });
export const ciMembershipKey = (ticketId: string, ciId: string) => ({
  PK: `TICKET#${ticketId}`,
  SK: `CI#${ciId}`,
});
export const commentKey = (ticketId: string, createdAt: string, id: string) => ({
  PK: `TICKET#${ticketId}`,
  SK: `COMMENT#${createdAt}#${id}`,
});
export const COMMENT_PREFIX = 'COMMENT#';
/** The one partition of the SLA deadline index (a range query on time serves the sweeper). */
export const SLA_PARTITION = 'SLA';

/** Values of the ticket's list-index keys; absent ones keep the ticket out of that sparse index. */
export function ticketIndexKeys(ticket: Ticket): Record<string, string> {
  const keys: Record<string, string> = {
    [INDEXES.byKind.partitionKey]: 'TICKET',
    [INDEXES.byType.partitionKey]: `ticket#${ticket.type}`,
    [INDEXES.byStatus.partitionKey]: `ticket#${ticket.status}`,
    [INDEXES.byPriority.partitionKey]: `ticket#${ticket.priority}`,
    [INDEXES.byRequester.partitionKey]: `ticket#${ticket.requester.id}`,
    [LIST_SORT_KEY]: `${ticket.createdAt}#${ticket.id}`,
  };
  // Unassigned and ungrouped tickets sit in a partition of their own (`assignee=none`, `group=none`).
  keys[INDEXES.byAssignee.partitionKey] = createdPartition(ticket.assignee);
  keys[INDEXES.byGroup.partitionKey] = createdPartition(ticket.group);
  keys[INDEXES.byCi.partitionKey] = queueCell('created', ticket.group, ticket.assignee, ticket.priority);
  // The sweeper's next visit: an SLA threshold, an owed notification, or the auto-close.
  const deadline = [nextSlaDeadline(ticket), ticket.autoCloseAt ?? undefined].filter(Boolean).sort()[0];
  if (deadline) Object.assign(keys, dueIndexKeys(SLA_PARTITION, deadline, ticket.id));
  return keys;
}

/** The partition of a created-order index for a value; `null` (none set) has one of its own. */
export const NONE_PARTITION = 'ticket-none';
function createdPartition(value: string | number | null): string {
  return value === null ? NONE_PARTITION : `ticket#${value}`;
}

/** A queue item's partition for a field's value (`=` before values, so `-` for none cannot collide). */
function queuePartition(sort: ProjectedSort, value: string | number | null | undefined): string {
  if (value === undefined) return `queue#${sort}`;
  return value === null ? `queue#${sort}#-` : `queue#${sort}#=${value}`;
}

/**
 * The composite queue partition: group × assigned-or-not × priority, for the queues desks live in
 * ("unassigned P1–P2 in my group"). It overloads `byCi` (`ciPk`), which holds CI membership items
 * under `ticket#<ciId>` values only, so a query naming a group, unassigned (or either) and a few
 * priorities reads exactly its tickets.
 */
export function queueCell(
  sort: ProjectedSort | 'created',
  group: string | null,
  assignee: string | null | 'assigned',
  priority: number,
): string {
  return `queue#${sort}#g=${group ?? '-'}#${assignee === null ? 'u' : 'a'}#p=${priority}`;
}

export const queueItemKey = (ticketId: string, sort: ProjectedSort) => ({
  PK: `TICKET#${ticketId}`,
  SK: `QUEUE#${sort}`,
});
export const QUEUE_PREFIX = 'QUEUE#';

/** The index sort-key value of a ticket in each sort; ids break ties. */
export function sortValueOf(ticket: Ticket, sort: TicketSort): string {
  switch (sort) {
    case 'newest':
    case 'oldest':
      return `${ticket.createdAt}#${ticket.id}`;
    case 'updated':
      return `${ticket.updatedAt}#${ticket.id}`;
    case 'priority':
      return `${ticket.priority}#${ticket.createdAt}#${ticket.id}`;
    case 'sla':
      // Nothing due sorts after every instant (`~` > digits), oldest first among those.
      return `${nextSlaDue(ticket) ?? '~'}#${ticket.createdAt}#${ticket.id}`;
  }
}

/** Newest created and last updated read backwards; oldest, priority-then-age and next-due forwards. */
export const SORT_DESCENDING: Record<TicketSort, boolean> = {
  newest: true,
  oldest: false,
  updated: true,
  priority: false,
  sla: false,
};

/**
 * The queue items of a ticket: one small item per projected sort, overloading the list indexes
 * (the same attributes the ticket item uses, under `queue#<sort>…` values) with the sort's value as
 * `listSk`. Each carries the ticket's facets, so a page is narrowed before the tickets are read.
 * Written in the ticket's own transaction, so a queue never lags its tickets.
 */
export function queueItems(ticket: Ticket): Record<string, unknown>[] {
  const facets = queueFacetsOf(ticket);
  // Not in byType: a type alone is a large partition; the kind partition narrowed serves it.
  return PROJECTED_SORTS.map((sort) => ({
    ...queueItemKey(ticket.id, sort),
    [INDEXES.byKind.partitionKey]: queuePartition(sort, undefined),
    [INDEXES.byCi.partitionKey]: queueCell(sort, ticket.group, ticket.assignee, ticket.priority),
    [INDEXES.byStatus.partitionKey]: queuePartition(sort, ticket.status),
    [INDEXES.byPriority.partitionKey]: queuePartition(sort, ticket.priority),
    [INDEXES.byAssignee.partitionKey]: queuePartition(sort, ticket.assignee),
    [INDEXES.byGroup.partitionKey]: queuePartition(sort, ticket.group),
    [INDEXES.byRequester.partitionKey]: queuePartition(sort, ticket.requester.id),
    [LIST_SORT_KEY]: sortValueOf(ticket, sort),
    ticketId: ticket.id,
    facets,
  }));
}

/** The queue items a write changes (ticket-keys.ts `queueItems`): all of them on create. */
export function changedQueueItems(before: Ticket | undefined, after: Ticket): Record<string, unknown>[] {
  const next = queueItems(after);
  if (!before) return next;
  const previous = new Map(queueItems(before).map((item) => [item.SK, JSON.stringify(item)]));
  return next.filter((item) => previous.get(item.SK) !== JSON.stringify(item));
}

/** How a store reads a query: which index, which partitions of it (merged), in what order and range. */
export interface QueryPlan {
  readonly index: IndexName;
  readonly partitions: readonly string[];
  readonly descending: boolean;
  /** Read queue items (ids and facets) rather than tickets. */
  readonly projected: boolean;
  /** The partitions are composite queue cells (queueCell) on `byCi`, not CI memberships. */
  readonly composite?: boolean;
  /** Filters the partitions do not express narrow what they hold: a page reads ahead (readAhead). */
  readonly narrowed: boolean;
  /** Bounds on `listSk` (inclusive), from a date filter on the sort's own order. */
  readonly range?: { readonly from?: string; readonly to?: string };
}

type Field = 'requester' | 'assignee' | 'ciId' | 'group' | 'priority' | 'status' | 'type';
const FIELD_INDEX: Record<Field, IndexName> = {
  requester: 'byRequester',
  assignee: 'byAssignee',
  ciId: 'byCi',
  group: 'byGroup',
  priority: 'byPriority',
  status: 'byStatus',
  type: 'byType',
};

/**
 * The index a query reads, most selective filter first (requesters and assignees hold few tickets,
 * statuses and types many); each of its values is one partition, read in parallel and merged. The
 * other filters narrow. `byCi` (membership items in created order) serves only the created sorts;
 * with another sort `ciId` narrows like the rest. `assignee=none` comes after `group`: the
 * unassigned partition is a large one.
 */
export function planQuery(query: TicketQuery): QueryPlan {
  const sort = query.sort ?? 'newest';
  const projected = (PROJECTED_SORTS as readonly string[]).includes(sort);
  const requesters =
    query.requester !== undefined
      ? [query.requester]
      : query.requesters
        ? [...new Set(query.requesters)]
        : undefined;
  const assignees = valuesOf(query.assignee);
  const candidates: [Field, readonly (string | number | null)[] | undefined][] = [
    ['requester', requesters],
    ['assignee', assignees?.every((value) => value !== null) ? assignees : undefined],
    ['ciId', projected || query.ciId === undefined ? undefined : [query.ciId]],
    ['group', valuesOf(query.group)],
    ['assignee', assignees],
    ['priority', valuesOf(query.priority)],
    ['status', valuesOf(query.status)],
    ['type', valuesOf(query.type)],
  ];
  const composite = compositeCells(query, projected ? (sort as ProjectedSort) : 'created', assignees);
  if (composite && !requesters && (projected || query.ciId === undefined)) {
    const narrowed = narrowedBeyond(query, ['group', 'assignee', 'priority']);
    return {
      ...rest(query, sort, projected),
      index: 'byCi',
      partitions: composite,
      composite: true,
      narrowed,
    };
  }
  const chosen = candidates.find(
    ([field, values]) => values !== undefined && !(projected && field === 'type'),
  );
  const index: IndexName = chosen ? FIELD_INDEX[chosen[0]] : 'byKind';
  const values = chosen?.[1];
  const partitions = projected
    ? values
      ? values.map((value) => queuePartition(sort as ProjectedSort, value))
      : [queuePartition(sort as ProjectedSort, undefined)]
    : values
      ? values.map(createdPartition)
      : ['TICKET'];
  const expressed: string[] = chosen ? [chosen[0] === 'requester' ? 'requesters' : chosen[0]] : [];
  if (chosen?.[0] === 'requester') expressed.push('requester');
  return { ...rest(query, sort, projected), index, partitions, narrowed: narrowedBeyond(query, expressed) };
}

/** Whether the query filters on more than the fields its partitions (and the sort's range) express. */
function narrowedBeyond(query: TicketQuery, expressed: readonly string[]): boolean {
  const sort = query.sort ?? 'newest';
  const ranged =
    sort === 'newest' || sort === 'oldest'
      ? ['createdFrom', 'createdTo']
      : sort === 'updated'
        ? ['updatedSince']
        : [];
  return Object.entries(query).some(
    ([name, value]) =>
      value !== undefined && name !== 'sort' && !expressed.includes(name) && !ranged.includes(name),
  );
}

/** How far a narrowed page reads ahead: each query asks for this many times what is still missing. */
export const READ_AHEAD = 4;
/** Most items one query of a narrowed page asks for. */
const MAX_READ_AHEAD = 200;

/**
 * One page of a partition: rounds of one query each until `limit` entries pass `accepts` (at most
 * three). A narrowed plan reads ahead (READ_AHEAD times what is missing), so a page mostly costs one
 * query however much the other filters discard; when it reads past the page, it resumes after the
 * last entry it keeps (the entry's own index key), so nothing is skipped or given twice.
 */
export async function readAhead(
  plan: QueryPlan,
  page: PageRequest,
  query: (limit: number, startKey: Record<string, unknown> | undefined) => Promise<Page<ListedEntry>>,
  accepts: (entry: ListedEntry) => boolean,
): Promise<Page<ListedEntry>> {
  const items: ListedEntry[] = [];
  let lastKey = page.startKey;
  for (let round = 0; round < 3 && items.length < page.limit; round++) {
    const missing = page.limit - items.length;
    const ask = plan.narrowed ? Math.min(MAX_READ_AHEAD, missing * READ_AHEAD) : missing;
    const read = await query(ask, lastKey);
    let cut: Record<string, unknown> | undefined;
    for (const entry of read.items) {
      if (!accepts(entry)) continue;
      items.push(entry);
      if (items.length === page.limit) {
        cut = entry.key;
        break;
      }
    }
    lastKey = cut && cut !== read.items.at(-1)?.key ? cut : read.lastKey;
    if (!lastKey) break;
  }
  return lastKey ? { items, lastKey } : { items };
}

/** The composite cells a query covers, when it names groups and few enough cells (else undefined). */
function compositeCells(
  query: TicketQuery,
  sort: ProjectedSort | 'created',
  assignees: readonly (string | null)[] | undefined,
): string[] | undefined {
  const groups = valuesOf(query.group);
  if (!groups) return undefined;
  const states: (null | 'assigned')[] | undefined =
    assignees === undefined
      ? [null, 'assigned']
      : assignees.every((value) => value === null)
        ? [null]
        : undefined;
  if (!states) return undefined;
  const priorities = valuesOf(query.priority) ?? (states.length === 1 ? [1, 2, 3, 4, 5] : undefined);
  if (!priorities || groups.length * states.length * priorities.length > MAX_FILTER_VALUES) return undefined;
  return groups.flatMap((group) =>
    states.flatMap((state) => priorities.map((priority) => queueCell(sort, group, state, priority))),
  );
}

function rest(query: TicketQuery, sort: TicketSort, projected: boolean) {
  const range =
    sort === 'newest' || sort === 'oldest'
      ? bounds(query.createdFrom, query.createdTo)
      : sort === 'updated'
        ? bounds(query.updatedSince, undefined)
        : undefined;
  return { descending: SORT_DESCENDING[sort], projected, ...(range && { range }) };
}

function bounds(from: string | undefined, to: string | undefined) {
  if (from === undefined && to === undefined) return undefined;
  // `~` sorts after every ticket id, so a ticket at exactly `to` is in.
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to: `${to}#~` }) };
}

/** One entry a partition read yields: the index key it stopped at, and the ticket or what is known of it. */
export interface ListedEntry {
  readonly id: string;
  readonly key: Record<string, unknown>;
  readonly ticket?: Ticket;
  readonly facets?: TicketFacets;
}

/** Whether an entry passes the query as far as what it carries tells (CI memberships: decided on the ticket). */
export function entryAccepted(entry: ListedEntry, query: TicketQuery): boolean {
  if (entry.facets) return matchesFacets(entry.facets, query);
  if (entry.ticket) return matchesFacets(facetsOf(entry.ticket), query);
  return true;
}

/** How entries of several partitions merge into one order and resume (shared/merged-pages.ts). */
export function entryMergeKeys(descending: boolean): MergeKeys<ListedEntry> {
  return {
    sortKeyOf: (entry) => String(entry.key[LIST_SORT_KEY]),
    frontierOf: (lastKey) => String(lastKey[LIST_SORT_KEY]),
    resumeKeyOf: (entry) => entry.key,
    ascending: !descending,
  };
}
