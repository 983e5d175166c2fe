import type { Mailbox } from './addresses.js';

/** A header as it appeared: lower-case name, unfolded value (encoded words not yet decoded). */
export interface MailHeader {
  readonly key: string;
  readonly value: string;
}

/** An attachment or inline image of an incoming mail, with its bytes. */
export interface ParsedAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly content: Uint8Array;
  /** `<…>` of an inline image the HTML refers to as `cid:`. */
  readonly contentId: string | null;
  readonly inline: boolean;
}

/** What Opsdesk reads from one incoming mail. */
export interface ParsedMail {
  /** `<…>`; absent when the mail carried none (a content hash stands in for deduplication then). */
  readonly messageId: string | undefined;
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  readonly from: Mailbox | undefined;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly subject: string;
  readonly date: string | undefined;
  /** The text/plain part(s), as sent ('' when there is none). */
  readonly text: string;
  /** The text/html part(s), as sent ('' when there is none). */
  readonly html: string;
  /** docs/email.md#parsing: the text part, or the HTML converted to text when there is no text part. */
  readonly body: string;
  /** Top-level headers in order, duplicates included. */
  readonly headers: readonly MailHeader[];
  /** Top-level media type (`multipart/report`, `text/plain`, …) and its `report-type`, if any. */
  readonly contentType: string;
  readonly reportType: string | undefined;
  readonly attachments: readonly ParsedAttachment[];
  /**
   * Message-IDs and subjects of messages embedded in this one (`message/rfc822`,
   * `text/rfc822-headers`): a bounce names the mail it is about this way.
   */
  readonly embedded: { readonly messageIds: readonly string[]; readonly subjects: readonly string[] };
}

/** All values of a header, in order. */
export function headerValues(mail: Pick<ParsedMail, 'headers'>, key: string): string[] {
  return mail.headers.filter((header) => header.key === key).map((header) => header.value);
}

export function firstHeader(mail: Pick<ParsedMail, 'headers'>, key: string): string | undefined {
  return mail.headers.find((header) => header.key === key)?.value;
}
