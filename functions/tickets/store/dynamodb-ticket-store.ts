import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { queryDue } from '../../shared/dynamodb/due-index.js';
import { historyPutAction, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { counterKey, HISTORY_PREFIX, withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryKindByInstant, queryPage } from '../../shared/dynamodb/paging.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import {
  cancellationReasons,
  isContention,
  isDynamoCompanion,
  type TransactItem,
} from '../../shared/dynamodb/transactions.js';
import { mergedPage } from '../../shared/merged-pages.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { Comment, HistoryEntry, Ticket, TicketType } from '../model.js';
import { TICKET_PREFIX, withTicketDefaults } from '../model.js';
import type { TicketFacets } from '../queue.js';
import {
  COMMENT_PREFIX,
  changedQueueItems,
  ciMembershipKey,
  commentKey,
  entryAccepted,
  entryMergeKeys,
  type ListedEntry,
  planQuery,
  type QueryPlan,
  readAhead,
  SLA_PARTITION,
  ticketIndexKeys,
  ticketKey,
} from './ticket-keys.js';
import {
  type CommitCompanion,
  matchesQuery,
  type TicketQuery,
  type TicketStore,
  type TicketWrite,
} from './ticket-store.js';

export class DynamoTicketRepository implements TicketStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async nextSequence(type: TicketType): Promise<number> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: counterKey(TICKET_PREFIX[type]),
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'sequence' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.sequence);
  }

  async get(id: string): Promise<Ticket | undefined> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: ticketKey(id) }));
    return out.Item ? ticketOf(out.Item) : undefined;
  }

  async commit(writes: readonly TicketWrite[], companion?: CommitCompanion): Promise<void> {
    const own = writes.flatMap((write) => this.actionsFor(write));
    const joined = isDynamoCompanion(companion) ? companion : undefined;
    const items = joined ? [...own, ...joined.items] : own;
    // Per-action ticket positions, to turn a cancellation reason back into the record it concerns.
    const ticketPositions = new Map<number, TicketWrite>();
    let position = 0;
    for (const write of writes) {
      ticketPositions.set(position, write);
      position += this.actionsFor(write).length;
    }
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: items,
          // SDK retries of this very request are then idempotent: a retried comment is not added twice.
          ClientRequestToken: writes[0]!.history.id,
        }),
      );
      joined?.carried();
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      for (const [index, write] of ticketPositions) {
        const reason = reasons[index];
        if (write.before && isContention(reason?.code)) {
          throw new StaleWriteError(write.after.id, reason?.item?.version as number | undefined);
        }
      }
      const theirs = joined?.cancelled(reasons.slice(own.length));
      if (theirs) throw theirs;
      if (reasons.some((reason) => reason.code === 'TransactionConflict')) {
        throw new StaleWriteError(writes[0]!.after.id);
      }
      throw error;
    }
  }

  private actionsFor(write: TicketWrite): TransactItem[] {
    const { before, after, history, comment } = write;
    const ticketPut: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: { ...ticketKey(after.id), ...ticketIndexKeys(after), ...after },
        ...(before
          ? {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': before.version },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
    const actions: TransactItem[] = [ticketPut, this.historyPut(`TICKET#${after.id}`, history)];
    if (comment) actions.push(this.commentPut(comment));
    const previous = new Set(before?.ciIds ?? []);
    const next = new Set(after.ciIds);
    const listSk = `${after.createdAt}#${after.id}`;
    for (const ciId of next) {
      if (previous.has(ciId)) continue;
      actions.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...ciMembershipKey(after.id, ciId),
            [INDEXES.byCi.partitionKey]: `ticket#${ciId}`,
            [LIST_SORT_KEY]: listSk,
            ticketId: after.id,
          },
        },
      });
    }
    for (const ciId of previous) {
      if (!next.has(ciId))
        actions.push({ Delete: { TableName: this.tableName, Key: ciMembershipKey(after.id, ciId) } });
    }
    for (const item of changedQueueItems(before, after)) {
      actions.push({ Put: { TableName: this.tableName, Item: item } });
    }
    return actions;
  }

  private historyPut(recordPk: string, history: HistoryEntry): TransactItem {
    return historyPutAction(this.tableName, recordPk, history);
  }

  private commentPut(comment: Comment): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...commentKey(comment.ticketId, comment.createdAt, comment.id), ...comment },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  async list(query: TicketQuery, page: PageRequest): Promise<Page<Ticket>> {
    const plan = planQuery(query);
    const merged = await mergedPage(
      plan.partitions,
      page,
      (partition, request) => this.readPartition(plan, partition, request, query),
      entryMergeKeys(plan.descending),
    );
    // Queue items and CI memberships name their tickets: the page's are read in one batch.
    const missing = merged.items.filter((entry) => !entry.ticket).map((entry) => entry.id);
    const fetched = new Map((missing.length > 0 ? await this.getMany(missing) : []).map((t) => [t.id, t]));
    const items = merged.items
      .map((entry) => entry.ticket ?? fetched.get(entry.id))
      .filter((ticket): ticket is Ticket => ticket !== undefined && matchesQuery(ticket, query));
    return { ...merged, items };
  }

  /** One partition of the plan's index, narrowed by what its items tell of their tickets. */
  private readPartition(
    plan: QueryPlan,
    partition: string,
    page: PageRequest,
    query: TicketQuery,
  ): Promise<Page<ListedEntry>> {
    const index = INDEXES[plan.index];
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': partition };
    let condition = '#pk = :pk';
    const { from, to } = plan.range ?? {};
    if (from !== undefined || to !== undefined) {
      names['#sk'] = LIST_SORT_KEY;
      if (from !== undefined) values[':from'] = from;
      if (to !== undefined) values[':to'] = to;
      condition +=
        from !== undefined && to !== undefined
          ? ' AND #sk BETWEEN :from AND :to'
          : from !== undefined
            ? ' AND #sk >= :from'
            : ' AND #sk <= :to';
    }
    const input = {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !plan.descending,
    };
    const entryOf = (item: Record<string, unknown>): ListedEntry => {
      const key = {
        PK: item.PK,
        SK: item.SK,
        [index.partitionKey]: item[index.partitionKey],
        [LIST_SORT_KEY]: item[LIST_SORT_KEY],
      };
      if (plan.projected) return { id: String(item.ticketId), key, facets: item.facets as TicketFacets };
      if (plan.index === 'byCi' && !plan.composite) return { id: String(item.ticketId), key };
      const ticket = ticketOf(item);
      return { id: ticket.id, key, ticket };
    };
    return readAhead(
      plan,
      page,
      async (limit, startKey) => {
        const out = await this.dynamo.send(
          new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: startKey }),
        );
        const items = (out.Items ?? []).map(entryOf);
        return out.LastEvaluatedKey ? { items, lastKey: out.LastEvaluatedKey } : { items };
      },
      (entry) => entryAccepted(entry, query),
    );
  }

  /** One BatchGetItem (a page is at most 100 ids), keeping the order of `ids`. */
  private async getMany(ids: readonly string[]): Promise<Ticket[]> {
    const items = await batchGet(this.dynamo, this.tableName, ids.map(ticketKey));
    const byId = new Map(items.map((item) => [item.id as string, ticketOf(item)]));
    return ids.map((id) => byId.get(id)).filter((ticket): ticket is Ticket => ticket !== undefined);
  }

  listComments(
    ticketId: string,
    page: PageRequest,
    options: { publicOnly: boolean },
  ): Promise<Page<Comment>> {
    return queryPage(
      this.dynamo,
      this.childrenQuery(ticketId, COMMENT_PREFIX),
      page.limit,
      page.startKey,
      (item) => {
        const comment = withoutKeys<Comment>(item);
        return options.publicOnly && comment.visibility !== 'public' ? undefined : comment;
      },
    );
  }

  listHistory(ticketId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return queryPage(
      this.dynamo,
      this.childrenQuery(ticketId, HISTORY_PREFIX),
      page.limit,
      page.startKey,
      (item) => unpackHistoryEvents(withoutKeys<HistoryEntry>(item)),
    );
  }

  listSlaDue(until: string, page: PageRequest): Promise<Page<Ticket>> {
    return queryDue(this.dynamo, this.tableName, SLA_PARTITION, until, page, ticketOf);
  }

  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Ticket>> {
    return queryKindByInstant(this.dynamo, this.tableName, 'TICKET', { from, to }, page, ticketOf);
  }

  private childrenQuery(ticketId: string, prefix: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': ticketKey(ticketId).PK, ':prefix': prefix },
      ScanIndexForward: true,
    };
  }
}

/** A ticket item as the model has it now (items written before a field existed get its default). */
function ticketOf(item: Record<string, unknown>): Ticket {
  return withTicketDefaults(withoutKeys<Ticket>(item));
}
