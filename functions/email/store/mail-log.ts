import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { listFromIndex } from '../../shared/dynamodb/indexed-list.js';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import type { Page, PageRequest } from '../../shared/store.js';
import { normaliseAddress } from '../address-forms.js';
import {
  expiresAfterDays,
  MAIL_RECORD_KIND,
  mailLogKey,
  mailOutcomePartition,
  mailRecordIndexKeys,
  mailSenderPartition,
} from './mail-keys.js';
import type { MailLog, MailRecord, MailRecordFilter, MailRecordQuery } from './ports.js';

const RETENTION_DAYS = 90;

/** The item of a mail record: `MAILLOG#<day>` / `<at>#<ulid>`, in the shared indexes, 90-day TTL. */
export function mailRecordItem(entry: MailRecord): Record<string, unknown> {
  const at = new Date(entry.at);
  const id = ulid(at.getTime());
  return {
    ...mailLogKey(entry.at.slice(0, 10), entry.at, id),
    ...mailRecordIndexKeys(entry, id),
    ...entry,
    expiration: expiresAfterDays(at, RETENTION_DAYS),
  };
}

/**
 * Records of mail that became no ticket (`MAILLOG#<day>`), kept 90 days for operators: by day, and
 * through the shared indexes by outcome, by sender or all (GET /mail-outcomes).
 */
export class DynamoMailLog implements MailLog, MailRecordQuery {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: MailRecord): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.tableName, Item: mailRecordItem(entry) }));
  }

  async list(day: string, limit: number): Promise<MailRecord[]> {
    const out = await this.dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `MAILLOG#${day}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => withoutKeys<MailRecord>(item));
  }

  /** One index partition per page: the sender's (the smallest), else the outcome's, else all records. */
  find(filter: MailRecordFilter, page: PageRequest): Promise<Page<MailRecord>> {
    const target = filter.sender
      ? { index: 'byRequester' as const, value: mailSenderPartition(filter.sender) }
      : filter.outcome
        ? { index: 'byStatus' as const, value: mailOutcomePartition(filter.outcome) }
        : { index: 'byKind' as const, value: MAIL_RECORD_KIND };
    const sender = filter.sender ? normaliseAddress(filter.sender) : undefined;
    return listFromIndex<MailRecord>(this.dynamo, this.tableName, target, page, {
      matches: (record) =>
        (filter.outcome === undefined || record.outcome === filter.outcome) &&
        (sender === undefined || normaliseAddress(record.from ?? '') === sender),
      membershipId: 'id',
      getMany: async () => [],
    });
  }
}
