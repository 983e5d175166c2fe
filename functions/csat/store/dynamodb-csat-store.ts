import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { queryDue } from '../../shared/dynamodb/due-index.js';
import { historyPutAction } from '../../shared/dynamodb/history-item.js';
import { queryKindByInstant } from '../../shared/dynamodb/paging.js';
import { INDEXES } from '../../shared/dynamodb/table-definition.js';
import { cancellationReasons, type TransactItem } from '../../shared/dynamodb/transactions.js';
import { versionedPut } from '../../shared/dynamodb/versioned-put.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { HistoryEntry } from '../../tickets/model.js';
import { ticketKey } from '../../tickets/store/ticket-keys.js';
import {
  type CsatSettings,
  DEFAULT_CSAT_SETTINGS,
  feedbackOf,
  pointerOf,
  type StoredCsatSettings,
  type Survey,
  type SurveyPointer,
} from '../model.js';
import {
  pointerKey,
  SURVEY_DUE_PARTITION,
  SURVEY_KIND,
  settingsKey,
  surveyItem,
  surveyKey,
  surveyOf,
  ticketPk,
} from './csat-keys.js';
import type { AnswerOutcome, AnswerWrite, CsatStore, FeedbackWrite } from './csat-store.js';

/** The ticket's side of a survey write: `feedback` set and the version moved on, under a condition. */
type TicketCondition = 'issue' | 'pending';

/** CsatStore over DynamoDB: each survey write one TransactWriteItems (docs/csat.md#storage). */
export class DynamoCsatStore implements CsatStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async settings(): Promise<StoredCsatSettings> {
    const out = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: settingsKey() }));
    return settingsOf(out.Item);
  }

  async putSettings(
    settings: CsatSettings,
    expectedVersion: number,
    now: string,
  ): Promise<StoredCsatSettings> {
    const stored: StoredCsatSettings = { ...settings, version: expectedVersion + 1, updatedAt: now };
    await versionedPut(
      this.dynamo,
      this.tableName,
      { ...settingsKey(), id: 'csat-settings', ...stored },
      expectedVersion,
    );
    return stored;
  }

  async survey(key: string): Promise<Survey | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: surveyKey(key), ConsistentRead: true }),
    );
    return out.Item ? surveyOf(out.Item) : undefined;
  }

  async pointer(ticketId: string): Promise<SurveyPointer | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: pointerKey(ticketId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, ...pointer } = out.Item;
    return pointer as SurveyPointer;
  }

  async issue(survey: Survey, history: HistoryEntry): Promise<boolean> {
    return this.transact(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: surveyItem(survey),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        this.pointerPut(survey),
        this.ticketUpdate(
          { ticketId: survey.ticketId, resolvedAt: survey.resolvedAt, feedback: feedbackOf(survey) },
          'issue',
        ),
        historyPutAction(this.tableName, ticketPk(survey.ticketId), history),
      ],
      history.id,
    ).then((failed) => failed === undefined);
  }

  async markSent(from: Survey, to: Survey, history: HistoryEntry): Promise<boolean> {
    const failed = await this.transact(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: surveyItem(to),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: surveyKey(from.key),
            ConditionExpression: '#status = :pending AND attribute_type(#sentAt, :null)',
            ExpressionAttributeNames: { '#status': 'status', '#sentAt': 'sentAt' },
            ExpressionAttributeValues: { ':pending': 'pending', ':null': 'NULL' },
          },
        },
        this.pointerPut(to),
        historyPutAction(this.tableName, ticketPk(to.ticketId), history),
      ],
      history.id,
    );
    return failed === undefined;
  }

  async answer(write: AnswerWrite, history: HistoryEntry): Promise<AnswerOutcome> {
    const failed = await this.transact(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: surveyKey(write.surveyKey),
            UpdateExpression:
              'SET #status = :answered, #rating = :rating, #comment = :comment, #answeredAt = :answeredAt, ' +
              '#sentAt = :sentAt REMOVE #duePk, #dueSk',
            ConditionExpression: '#status = :pending AND #expiresAt > :answeredAt',
            ExpressionAttributeNames: {
              '#status': 'status',
              '#rating': 'rating',
              '#comment': 'comment',
              '#answeredAt': 'answeredAt',
              '#sentAt': 'sentAt',
              '#expiresAt': 'expiresAt',
              '#duePk': INDEXES.bySlaDeadline.partitionKey,
              '#dueSk': INDEXES.bySlaDeadline.sortKey,
            },
            ExpressionAttributeValues: {
              ':answered': 'answered',
              ':pending': 'pending',
              ':rating': write.rating,
              ':comment': write.comment,
              ':answeredAt': write.answeredAt,
              ':sentAt': write.sentAt,
            },
          },
        },
        this.ticketUpdate(write, 'pending'),
        historyPutAction(this.tableName, ticketPk(write.ticketId), history),
      ],
      history.id,
    );
    if (failed === undefined) return 'answered';
    return failed.includes(0) ? 'survey_changed' : 'ticket_changed';
  }

  async settle(
    key: string,
    status: 'voided' | 'expired',
    ticket: FeedbackWrite | undefined,
    history: HistoryEntry | undefined,
  ): Promise<boolean> {
    const actions: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: surveyKey(key),
          UpdateExpression: 'SET #status = :to REMOVE #duePk, #dueSk',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#duePk': INDEXES.bySlaDeadline.partitionKey,
            '#dueSk': INDEXES.bySlaDeadline.sortKey,
          },
          ExpressionAttributeValues: { ':to': status, ':pending': 'pending' },
        },
      },
    ];
    if (ticket) actions.push(this.ticketUpdate(ticket, 'pending'));
    if (history) actions.push(historyPutAction(this.tableName, ticketPk(history.recordId), history));
    return (await this.transact(actions, history?.id)) === undefined;
  }

  listSentBetween(from: string, to: string, page: PageRequest): Promise<Page<Survey>> {
    return queryKindByInstant(this.dynamo, this.tableName, SURVEY_KIND, { from, to }, page, surveyOf);
  }

  listDue(until: string, page: PageRequest): Promise<Page<Survey>> {
    return queryDue(this.dynamo, this.tableName, SURVEY_DUE_PARTITION, until, page, surveyOf);
  }

  private pointerPut(survey: Survey): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: { ...pointerKey(survey.ticketId), ...pointerOf(survey) } },
    };
  }

  /**
   * `feedback` on the ticket item and its version + 1 (so a concurrent whole-item ticket write,
   * conditional on the version it read, fails and re-reads instead of dropping the feedback).
   */
  private ticketUpdate(write: FeedbackWrite, condition: TicketCondition): TransactItem {
    const names: Record<string, string> = {
      '#feedback': 'feedback',
      '#version': 'version',
      '#status': 'status',
      '#resolvedAt': 'resolvedAt',
      '#fstatus': 'status',
    };
    const values: Record<string, unknown> = {
      ':feedback': write.feedback,
      ':one': 1,
      ':resolvedAt': write.resolvedAt,
      ':resolved': 'resolved',
    };
    let expression: string;
    if (condition === 'issue') {
      Object.assign(values, { ':null': 'NULL', ':voided': 'voided', ':expired': 'expired' });
      expression =
        '#status = :resolved AND #resolvedAt = :resolvedAt AND (attribute_not_exists(#feedback) OR ' +
        'attribute_type(#feedback, :null) OR #feedback.#fstatus IN (:voided, :expired))';
    } else {
      Object.assign(values, { ':closed': 'closed', ':pending': 'pending' });
      expression =
        '#status IN (:resolved, :closed) AND #resolvedAt = :resolvedAt AND #feedback.#fstatus = :pending';
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: ticketKey(write.ticketId),
        UpdateExpression: 'SET #feedback = :feedback, #version = #version + :one',
        ConditionExpression: expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Runs the transaction; undefined when it landed, else the positions whose condition failed. */
  private async transact(items: TransactItem[], token: string | undefined): Promise<number[] | undefined> {
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: items,
          ...(token ? { ClientRequestToken: token.slice(0, 36) } : {}),
        }),
      );
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const failed = reasons.flatMap((reason, index) =>
        reason.code === 'ConditionalCheckFailed' ? [index] : [],
      );
      // A TransactionConflict alone (another transaction on one of these items in flight) is a
      // race like a failed condition: the caller re-reads and decides again.
      return failed.length > 0 ? failed : reasons.map((_, index) => index);
    }
  }
}

export function settingsOf(item: Record<string, unknown> | undefined): StoredCsatSettings {
  if (!item) return { ...DEFAULT_CSAT_SETTINGS, version: 0, updatedAt: null };
  return {
    enabled: item.enabled as boolean,
    types: item.types as StoredCsatSettings['types'],
    sampleRate: Number(item.sampleRate),
    delayMinutes: Number(item.delayMinutes),
    validDays: Number(item.validDays),
    commentRequiredAtOrBelow:
      item.commentRequiredAtOrBelow === null || item.commentRequiredAtOrBelow === undefined
        ? null
        : Number(item.commentRequiredAtOrBelow),
    question: String(item.question),
    version: Number(item.version),
    updatedAt: (item.updatedAt as string | undefined) ?? null,
  };
}
