import type { ParsedMail } from './model.js';

/**
 * Where a mail may belong, in the order docs/email.md#threading-threadingts gives (as JSM/RT use): the ticket id in the subject
 * (`[INC-000042]`, leftmost first), then the Message-IDs the mail answers (In-Reply-To, then
 * References newest first), then for a bounce the ids and subject of the message it returns.
 */
const TICKET_TOKEN = /\[((?:INC|REQ|PRB)-\d{6,})\]/gi;
const MAX_SUBJECT_IDS = 5;

export function subjectTicketIds(subject: string): string[] {
  const ids = [...subject.matchAll(TICKET_TOKEN)].map((match) => match[1]!.toUpperCase());
  return [...new Set(ids)].slice(0, MAX_SUBJECT_IDS);
}

export interface ThreadCandidates {
  /** Ticket ids named in the subject (for a bounce, also in the returned message's subject). */
  readonly ticketIds: readonly string[];
  /** Message-IDs to look up, most telling first. */
  readonly messageIds: readonly string[];
}

export function threadCandidates(
  mail: Pick<ParsedMail, 'subject' | 'inReplyTo' | 'references' | 'embedded' | 'messageId'>,
): ThreadCandidates {
  const ticketIds = [
    ...subjectTicketIds(mail.subject),
    ...mail.embedded.subjects.flatMap((subject) => subjectTicketIds(subject)),
  ];
  const messageIds = [
    ...mail.inReplyTo,
    ...[...mail.references].reverse(),
    ...mail.embedded.messageIds,
  ].filter((id) => id !== mail.messageId);
  return { ticketIds: [...new Set(ticketIds)], messageIds: [...new Set(messageIds)].slice(0, 60) };
}

/** The subject without reply/forward prefixes and ticket tokens: the title of a follow-up ticket. */
export function cleanTitle(subject: string): string {
  let title = subject.replace(TICKET_TOKEN, ' ');
  for (let i = 0; i < 10; i++) {
    const next = title.replace(/^\s*(re|aw|sv|antw|wg|fw|fwd|tr|rif|r)(\[\d+\])?\s*:\s*/i, '');
    if (next === title) break;
    title = next;
  }
  return title.replace(/\s+/g, ' ').trim();
}
