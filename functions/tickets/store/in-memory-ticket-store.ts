import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import {
  compareKeys,
  dynamoLikeError,
  memoryQueryPage,
  type QueryEntry,
  storedCopy,
} from '../../shared/memory/in-memory-support.js';
import { mergedPage } from '../../shared/merged-pages.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { Comment, HistoryEntry, Ticket, TicketType } from '../model.js';
import { TICKET_PREFIX } from '../model.js';
import type { TicketFacets } from '../queue.js';
import {
  changedQueueItems,
  entryAccepted,
  entryMergeKeys,
  type ListedEntry,
  planQuery,
  type QueryPlan,
  queueItems,
  readAhead,
  ticketIndexKeys,
} from './ticket-keys.js';
import { matchesQuery, type TicketQuery, type TicketStore, type TicketWrite } from './ticket-store.js';

/** DynamoDB's bounds on one TransactWriteItems request. */
const MAX_TRANSACTION_ACTIONS = 100;
const MAX_REQUEST_TOKEN_LENGTH = 36;

interface StoredTicket {
  readonly ticket: Ticket;
  /** The index key attributes the DynamoDB item would carry (sparse: absent keys, absent from that index). */
  readonly indexKeys: Readonly<Record<string, string>>;
}

/**
 * The TicketStore in memory, for use-case tests without Java (and anything else that needs no
 * table). It answers as DynamoTicketRepository does (the contract suite in
 * test/tickets/store/ticket-store.contract.ts runs against both): commits are atomic and
 * conditional on the version read (StaleWriteError naming the current version), the first history
 * id is a request token (the same commit again is a no-op), lists read the same index the DynamoDB
 * adapter would, newest first, with the same page boundaries and opaque resume keys, and every
 * record is copied in and out. Reads are strongly consistent (GSI reads on AWS are not).
 */
export class InMemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, StoredTicket>();
  /** ticketId → sort key (`COMMENT#<at>#<id>`) → comment. */
  private readonly comments = new Map<string, Map<string, Comment>>();
  /** ticketId → sort key (`HISTORY#<at>#<id>`) → entry. */
  private readonly histories = new Map<string, Map<string, HistoryEntry>>();
  /** ciId → ticketId → the membership item's list sort key. */
  private readonly ciMembers = new Map<string, Map<string, string>>();
  /** ticketId → its queue items (ticket-keys.ts `queueItems`), as the table holds them. */
  private readonly queue = new Map<string, Record<string, unknown>[]>();
  private readonly sequences = new Map<string, number>();
  /** Request tokens of the commits that landed, with what they wrote. */
  private readonly requestTokens = new Map<string, string>();

  async nextSequence(type: TicketType): Promise<number> {
    const prefix = TICKET_PREFIX[type];
    const next = (this.sequences.get(prefix) ?? 0) + 1;
    this.sequences.set(prefix, next);
    return next;
  }

  /** Hints are for caching decorators (SnapshotTicketStore); the store itself always answers current. */
  async get(id: string): Promise<Ticket | undefined> {
    const stored = this.tickets.get(id);
    return stored ? storedCopy(stored.ticket) : undefined;
  }

  async commit(writes: readonly TicketWrite[]): Promise<void> {
    const token = writes[0]!.history.id;
    const request = storedCopy(writes);
    this.validate(request, token);
    const fingerprint = JSON.stringify(request);
    const landed = this.requestTokens.get(token);
    if (landed !== undefined) {
      // ClientRequestToken: the same request again succeeds without writing twice.
      if (landed === fingerprint) return;
      throw dynamoLikeError(
        'IdempotentParameterMismatchException',
        `request token ${token} was used by another commit`,
      );
    }
    let stale: StaleWriteError | undefined;
    const failed: string[] = [];
    for (const { before, after, history, comment } of request) {
      const current = this.tickets.get(after.id)?.ticket;
      if (before) {
        if (current?.version !== before.version) stale ??= new StaleWriteError(after.id, current?.version);
      } else if (current) {
        failed.push(`${after.id} already exists`);
      }
      if (this.histories.get(after.id)?.has(historySortKey(history))) {
        failed.push(`history ${history.id} of ${after.id} already exists`);
      }
      if (comment && this.comments.get(comment.ticketId)?.has(commentSortKey(comment))) {
        failed.push(`comment ${comment.id} already exists`);
      }
    }
    if (stale) throw stale;
    if (failed.length > 0) {
      throw dynamoLikeError('TransactionCanceledException', `transaction cancelled: ${failed.join('; ')}`);
    }
    for (const write of request) this.apply(write);
    this.requestTokens.set(token, fingerprint);
  }

  /** What DynamoDB refuses before evaluating any condition (a ValidationException). */
  private validate(writes: readonly TicketWrite[], token: string): void {
    if (token.length > MAX_REQUEST_TOKEN_LENGTH) {
      throw dynamoLikeError('ValidationException', `request token ${token} is longer than 36 characters`);
    }
    const keys = writes.flatMap((write) => itemKeys(write));
    if (keys.length > MAX_TRANSACTION_ACTIONS) {
      throw dynamoLikeError(
        'ValidationException',
        `a transaction takes at most ${MAX_TRANSACTION_ACTIONS} actions, not ${keys.length}`,
      );
    }
    if (new Set(keys).size !== keys.length) {
      throw dynamoLikeError(
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
    }
  }

  private apply({ before, after, history, comment }: TicketWrite): void {
    this.tickets.set(after.id, { ticket: after, indexKeys: ticketIndexKeys(after) });
    this.queue.set(after.id, storedCopy(queueItems(after)));
    childrenOf(this.histories, after.id).set(historySortKey(history), history);
    if (comment) childrenOf(this.comments, comment.ticketId).set(commentSortKey(comment), comment);
    // Membership items move with the difference between the ciIds read and written, as in DynamoDB.
    const previous = new Set(before?.ciIds ?? []);
    const next = new Set(after.ciIds);
    for (const ciId of next) {
      if (!previous.has(ciId)) childrenOf(this.ciMembers, ciId).set(after.id, listSortKey(after));
    }
    for (const ciId of previous) {
      if (!next.has(ciId)) this.ciMembers.get(ciId)?.delete(after.id);
    }
  }

  async list(query: TicketQuery, page: PageRequest): Promise<Page<Ticket>> {
    const plan = planQuery(query);
    const merged = await mergedPage(
      plan.partitions,
      page,
      async (partition, request) => this.readPartition(plan, partition, request, query),
      entryMergeKeys(plan.descending),
    );
    const items = merged.items
      .map((entry) => entry.ticket ?? this.tickets.get(entry.id)?.ticket)
      .filter((ticket): ticket is Ticket => ticket !== undefined && matchesQuery(ticket, query))
      .map(storedCopy);
    return { ...merged, items };
  }

  /** One index partition as the DynamoDB adapter reads it: same items, keys, order and page bounds. */
  private async readPartition(
    plan: QueryPlan,
    partition: string,
    page: PageRequest,
    query: TicketQuery,
  ): Promise<Page<ListedEntry>> {
    const index = INDEXES[plan.index];
    const inRange = (sortKey: string) =>
      (plan.range?.from === undefined || compareKeys(sortKey, plan.range.from) >= 0) &&
      (plan.range?.to === undefined || compareKeys(sortKey, plan.range.to) <= 0);
    const entries: QueryEntry<ListedEntry>[] = [];
    const add = (pk: string, sk: string, id: string, extra: Partial<ListedEntry>, sortKey: string) => {
      if (!inRange(sortKey)) return;
      const key = { PK: pk, SK: sk, [index.partitionKey]: partition, [LIST_SORT_KEY]: sortKey };
      entries.push({ sortKey, key, value: { id, key, ...extra } });
    };
    if (plan.projected) {
      for (const items of this.queue.values()) {
        for (const item of items) {
          if (item[index.partitionKey] !== partition) continue;
          add(
            String(item.PK),
            String(item.SK),
            String(item.ticketId),
            {
              facets: item.facets as TicketFacets,
            },
            String(item[LIST_SORT_KEY]),
          );
        }
      }
    } else if (plan.index === 'byCi' && !plan.composite) {
      const ciId = partition.slice('ticket#'.length);
      for (const [ticketId, listSk] of this.ciMembers.get(ciId) ?? []) {
        add(`TICKET#${ticketId}`, `CI#${ciId}`, ticketId, {}, listSk);
      }
    } else {
      for (const { ticket, indexKeys } of this.tickets.values()) {
        if (indexKeys[index.partitionKey] !== partition) continue;
        add(`TICKET#${ticket.id}`, 'TICKET', ticket.id, { ticket }, indexKeys[LIST_SORT_KEY]!);
      }
    }
    const sorted = { entries, sortAttribute: LIST_SORT_KEY, descending: plan.descending };
    // One DynamoDB query per round: memoryQueryPage with nothing discarded reads exactly `limit`.
    return readAhead(
      plan,
      page,
      async (limit, startKey) => memoryQueryPage(sorted, limit, startKey, (entry) => entry),
      (entry) => entryAccepted(entry, query),
    );
  }

  async listComments(
    ticketId: string,
    page: PageRequest,
    options: { publicOnly: boolean },
  ): Promise<Page<Comment>> {
    return memoryQueryPage(
      childQuery(ticketId, this.comments.get(ticketId)),
      page.limit,
      page.startKey,
      (comment) => (options.publicOnly && comment.visibility !== 'public' ? undefined : storedCopy(comment)),
    );
  }

  async listHistory(ticketId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return memoryQueryPage(
      childQuery(ticketId, this.histories.get(ticketId)),
      page.limit,
      page.startKey,
      storedCopy,
    );
  }

  async listSlaDue(until: string, page: PageRequest): Promise<Page<Ticket>> {
    const index = INDEXES.bySlaDeadline;
    // `~` sorts after every ticket id, so deadlines exactly at `until` are included.
    const bound = `${until}#~`;
    return memoryQueryPage(
      this.indexQuery(
        index,
        (keys) => keys[index.partitionKey] !== undefined && compareKeys(keys[index.sortKey]!, bound) <= 0,
        false,
      ),
      page.limit,
      page.startKey,
      storedCopy,
    );
  }

  async listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Ticket>> {
    if (compareKeys(from, to) > 0) {
      throw dynamoLikeError(
        'ValidationException',
        'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound',
      );
    }
    const index = INDEXES.byKind;
    return memoryQueryPage(
      this.indexQuery(
        index,
        (keys) =>
          keys[index.partitionKey] === 'TICKET' &&
          compareKeys(keys[index.sortKey]!, from) >= 0 &&
          compareKeys(keys[index.sortKey]!, to) <= 0,
        true,
      ),
      page.limit,
      page.startKey,
      storedCopy,
    );
  }

  /** The tickets an index partition (and sort-key condition) holds, keyed as the GSI keys them. */
  private indexQuery(
    index: { readonly partitionKey: string; readonly sortKey: string },
    holds: (keys: Readonly<Record<string, string>>) => boolean,
    descending: boolean,
  ) {
    const entries: QueryEntry<Ticket>[] = [];
    for (const { ticket, indexKeys } of this.tickets.values()) {
      if (!holds(indexKeys)) continue;
      entries.push({
        sortKey: indexKeys[index.sortKey]!,
        key: {
          PK: `TICKET#${ticket.id}`,
          SK: 'TICKET',
          [index.partitionKey]: indexKeys[index.partitionKey],
          [index.sortKey]: indexKeys[index.sortKey],
        },
        value: ticket,
      });
    }
    return { entries, sortAttribute: index.sortKey, descending };
  }
}

function listSortKey(ticket: Ticket): string {
  return `${ticket.createdAt}#${ticket.id}`;
}

function historySortKey(history: HistoryEntry): string {
  return `HISTORY#${history.at}#${history.id}`;
}

function commentSortKey(comment: Comment): string {
  return `COMMENT#${comment.createdAt}#${comment.id}`;
}

/** The items one write puts or deletes, as `PK SK`: what DynamoDB counts and checks for repeats. */
function itemKeys({ before, after, history, comment }: TicketWrite): string[] {
  const pk = `TICKET#${after.id}`;
  const keys = [`${pk} TICKET`, `${pk} ${historySortKey(history)}`];
  if (comment) keys.push(`TICKET#${comment.ticketId} ${commentSortKey(comment)}`);
  const previous = new Set(before?.ciIds ?? []);
  const next = new Set(after.ciIds);
  for (const ciId of next) if (!previous.has(ciId)) keys.push(`${pk} CI#${ciId}`);
  for (const ciId of previous) if (!next.has(ciId)) keys.push(`${pk} CI#${ciId}`);
  for (const item of changedQueueItems(before, after)) keys.push(`${pk} ${String(item.SK)}`);
  return keys;
}

function childrenOf<K, V>(map: Map<string, Map<K, V>>, id: string): Map<K, V> {
  let children = map.get(id);
  if (!children) {
    children = new Map();
    map.set(id, children);
  }
  return children;
}

/** A ticket's comments or history, oldest first, keyed as the table keys them. */
function childQuery<T>(ticketId: string, children: ReadonlyMap<string, T> | undefined) {
  const entries: QueryEntry<T>[] = [...(children ?? [])].map(([sk, value]) => ({
    sortKey: sk,
    key: { PK: `TICKET#${ticketId}`, SK: sk },
    value,
  }));
  return { entries, sortAttribute: 'SK' };
}
