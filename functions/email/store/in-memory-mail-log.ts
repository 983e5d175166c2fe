import { ulid } from 'ulid';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { dynamoLikeError } from '../../shared/memory/in-memory-support.js';
import { InMemoryTable, queryPageInMemory } from '../../shared/memory/in-memory-table.js';
import type { Page, PageRequest } from '../../shared/store.js';
import { normaliseAddress } from '../address-forms.js';
import { sizedKey } from './in-memory-mail-support.js';
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

/**
 * Records of mail that became no ticket, in memory: the items DynamoMailLog writes (`MAILLOG#<day>`
 * / `<at>#<ulid>`, so records of one instant come in no particular order, as there; in the shared
 * indexes by outcome, by sender and all), built with the same key builders into an InMemoryTable
 * (the contract suite in test/email/store/mail-log.contract.ts runs against both). A day lists
 * newest first, at most `limit`; `find` pages one index partition as DynamoMailLog does. The 90-day
 * expiry is written, not enforced: nothing reads the log expecting records gone, and DynamoDB
 * deletes expired items only eventually.
 */
export class InMemoryMailLog implements MailLog, MailRecordQuery {
  constructor(private readonly table: InMemoryTable = new InMemoryTable()) {}

  async record(entry: MailRecord): Promise<void> {
    const at = new Date(entry.at);
    const id = ulid(at.getTime());
    this.table.put({
      ...sizedKey(mailLogKey(entry.at.slice(0, 10), entry.at, id)),
      ...mailRecordIndexKeys(entry, id),
      ...entry,
      expiration: expiresAfterDays(at, RETENTION_DAYS),
    });
  }

  async list(day: string, limit: number): Promise<MailRecord[]> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw dynamoLikeError('ValidationException', `Limit must be an integer of at least 1, not ${limit}`);
    }
    const out = this.table.query({ partition: `MAILLOG#${day}`, forward: false, limit });
    return out.items.map((item) => withoutKeys<MailRecord>(item));
  }

  /** One index partition per page: the sender's (the smallest), else the outcome's, else all records. */
  async find(filter: MailRecordFilter, page: PageRequest): Promise<Page<MailRecord>> {
    const target = filter.sender
      ? { index: 'byRequester' as const, value: mailSenderPartition(filter.sender) }
      : filter.outcome
        ? { index: 'byStatus' as const, value: mailOutcomePartition(filter.outcome) }
        : { index: 'byKind' as const, value: MAIL_RECORD_KIND };
    const sender = filter.sender ? normaliseAddress(filter.sender) : undefined;
    return queryPageInMemory(
      this.table,
      { index: target.index, partition: target.value, forward: false },
      page.limit,
      page.startKey,
      (item) => {
        const record = withoutKeys<MailRecord>(item);
        const matches =
          (filter.outcome === undefined || record.outcome === filter.outcome) &&
          (sender === undefined || normaliseAddress(record.from ?? '') === sender);
        return matches ? record : undefined;
      },
    );
  }
}
