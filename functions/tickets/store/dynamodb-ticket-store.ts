import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/dynamodb/batch-get.js';
import { packHistoryEvents, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { listFromIndex } from '../../shared/dynamodb/indexed-list.js';
import { counterKey, HISTORY_PREFIX, historyKey, withoutKeys } from '../../shared/dynamodb/keys.js';
import { queryPage } from '../../shared/dynamodb/paging.js';
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
import {
  COMMENT_PREFIX,
  ciMembershipKey,
  commentKey,
  forRequester,
  indexForQuery,
  REQUESTER_MERGE_KEYS,
  requesterPartitions,
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
    return actions;
  }

  private historyPut(recordPk: string, history: HistoryEntry): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...historyKey(recordPk, history.at, history.id), ...packHistoryEvents(history) },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
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

  list(query: TicketQuery, page: PageRequest): Promise<Page<Ticket>> {
    const requesters = requesterPartitions(query);
    if (requesters) {
      return mergedPage(
        requesters,
        page,
        (requester, request) => this.list(forRequester(query, requester), request),
        REQUESTER_MERGE_KEYS,
      );
    }
    const listed = listFromIndex<Ticket>(this.dynamo, this.tableName, indexForQuery(query), page, {
      matches: (ticket) => matchesQuery(ticket, query),
      membershipId: 'ticketId',
      getMany: (ids) => this.getMany(ids),
    });
    return listed.then((result) => ({ ...result, items: result.items.map(withTicketDefaults) }));
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
    const index = INDEXES.bySlaDeadline;
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :until',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        // `~` sorts after every ticket id, so deadlines exactly at `until` are included.
        ExpressionAttributeValues: { ':pk': SLA_PARTITION, ':until': `${until}#~` },
      },
      page.limit,
      page.startKey,
      ticketOf,
    );
  }

  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Ticket>> {
    const index = INDEXES.byKind;
    return queryPage(
      this.dynamo,
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :kind AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':kind': 'TICKET', ':from': from, ':to': to },
        ScanIndexForward: false,
      },
      page.limit,
      page.startKey,
      ticketOf,
    );
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
