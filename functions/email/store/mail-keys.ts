import { HISTORY_PREFIX } from '../../shared/dynamodb/keys.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { normaliseAddress } from '../address-forms.js';

/**
 * Keys of the mail gateway's items in the single table (docs/email.md lists them). All plain
 * items: no index of their own.
 *   MSGID#<message-id>     MSGID                 dedupe claim of an inbound mail; threading index (ours and theirs)
 *   TICKET#<id>            MAILTHREAD            participants and Message-IDs of a ticket's conversation
 *   TICKET#<id>            ATTACHMENT#<id>       a file on the ticket (attachment-repository.ts)
 *   PERSON#<address>       PERSON                a sender seen by the gateway (or an agent learned from comments)
 *   MAILLOG#<yyyy-mm-dd>   <at>#<id>             a mail refused, quarantined or dropped (90-day TTL)
 *   NOTIFY#<eventId>       NOTIFY                one notification per domain event (30-day TTL)
 *   MAILRATE#<address>     MAILRATE              send times of recent automatic mail to an address
 *   MAILNOTICE#<id>        HISTORY#<at>#<id>     outbox entry of a notice to a sender (30-day TTL)
 * Mail records alone are also in shared indexes (mailRecordIndexKeys): the operators' list reads
 * them by outcome, by sender or all, newest first, without a Scan.
 */
export const messageIdKey = (messageId: string) => ({ PK: `MSGID#${messageId}`, SK: 'MSGID' });
export const mailThreadKey = (ticketId: string) => ({ PK: `TICKET#${ticketId}`, SK: 'MAILTHREAD' });
export const attachmentKey = (ticketId: string, id: string) => ({
  PK: `TICKET#${ticketId}`,
  SK: `ATTACHMENT#${id}`,
});
export const ATTACHMENT_PREFIX = 'ATTACHMENT#';
export const personKey = (address: string) => ({ PK: `PERSON#${address}`, SK: 'PERSON' });
export const mailLogKey = (day: string, at: string, id: string) => ({
  PK: `MAILLOG#${day}`,
  SK: `${at}#${id}`,
});
export const notificationKey = (eventId: string) => ({ PK: `NOTIFY#${eventId}`, SK: 'NOTIFY' });
export const senderNoticeKey = (id: string, at: string) => ({
  PK: `MAILNOTICE#${id}`,
  SK: `${HISTORY_PREFIX}${at}#${id}`,
});

/** `byKind` partition of every mail record. */
export const MAIL_RECORD_KIND = 'MAILLOG';

/**
 * Where a mail record sits in the shared indexes (docs/architecture.md#the-table): `byKind` (all
 * records), `byStatus` (`mail#<outcome>`) and, when it names a sender, `byRequester`
 * (`mail#<address>`), each sorted by `<at>#<id>` like every list. The `mail#` values never meet a
 * ticket's (`ticket#…`).
 */
export function mailRecordIndexKeys(
  record: { readonly at: string; readonly outcome: string; readonly from?: string | undefined },
  id: string,
): Record<string, string> {
  const keys: Record<string, string> = {
    [INDEXES.byKind.partitionKey]: MAIL_RECORD_KIND,
    [INDEXES.byStatus.partitionKey]: mailOutcomePartition(record.outcome),
    [LIST_SORT_KEY]: `${record.at}#${id}`,
  };
  if (record.from) keys[INDEXES.byRequester.partitionKey] = mailSenderPartition(record.from);
  return keys;
}

export const mailOutcomePartition = (outcome: string) => `mail#${outcome}`;
export const mailSenderPartition = (address: string) => `mail#${normaliseAddress(address)}`;
export const sendRateKey = (address: string) => ({ PK: `MAILRATE#${address}`, SK: 'MAILRATE' });

/** DynamoDB TTL value (epoch seconds) `days` after `now`. */
export function expiresAfterDays(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + days * 24 * 60 * 60;
}

/** Whether an SDK error is a failed condition (the item was not as expected). */
export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}
