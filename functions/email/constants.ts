/** Where SES stores incoming mail in the raw-mail bucket; the ingest trigger listens here only. */
export const INBOX_PREFIX = 'inbox/';
/** Refused (over 10 MB), spam/virus FAIL and unparseable mail is moved here, by reason. */
export const QUARANTINE_PREFIX = 'quarantine/';
/** docs/email.md#what-one-mail-does: mail over 10 MB is refused. */
export const MAX_MAIL_BYTES = 10 * 1024 * 1024;
/** docs/email.md#outbound-mail: at most this many automatic mails per recipient per hour. */
export const AUTO_REPLIES_PER_HOUR = 10;
/** The event of a "message too large" notice to a mail's sender (the ingest's outbox entry; notifier.ts mails it). */
export const MAIL_TOO_LARGE = 'Mail Too Large';
/**
 * The domain events the notifier answers (notifier.ts): ticket mail to requesters, SLA notices and
 * change approval notices to staff, notices to senders of refused mail. lib/email.ts routes exactly
 * these to it; so does the local bus.
 */
export const NOTIFIED_DETAIL_TYPES = [
  'Ticket Created',
  'Comment Added',
  'Ticket Status Changed',
  'SLA Notice Due',
  'Change Approval Requested',
  'Change Approval Escalated',
  'Change Approval Expired',
  // Catalog request approvals (docs/catalog.md#approvals): to the approval groups.
  'Request Approval Requested',
  'Request Approval Escalated',
  // Low satisfaction ratings (docs/csat.md#low-ratings): to the ticket's group; others are ignored.
  'Feedback Received',
  MAIL_TOO_LARGE,
] as const;
