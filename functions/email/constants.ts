/** Where SES stores incoming mail in the raw-mail bucket; the ingest trigger listens here only. */
export const INBOX_PREFIX = 'inbox/';
/** Refused (over 10 MB), spam/virus FAIL and unparseable mail is moved here, by reason. */
export const QUARANTINE_PREFIX = 'quarantine/';
/** SPEC §7: mail over 10 MB is refused. */
export const MAX_MAIL_BYTES = 10 * 1024 * 1024;
/** SPEC §7: at most this many automatic mails per recipient per hour. */
export const AUTO_REPLIES_PER_HOUR = 10;
