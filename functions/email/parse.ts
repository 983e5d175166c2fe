import PostalMime, { type Attachment, decodeWords } from 'postal-mime';
import { parseMailboxes, senderOf } from './addresses.js';
import { decodeText } from './charsets.js';
import { htmlToText, tidy } from './html-text.js';
import { messageIdList, normaliseMessageId } from './message-ids.js';
import { headerValues, type MailHeader, type ParsedAttachment, type ParsedMail } from './model.js';
import { normaliseCharsets } from './normalise-charsets.js';

/**
 * Bounds on parser work. The raw size is checked before parsing (10 MB, docs/email.md#what-one-mail-does); these cap what a
 * message within that size can make the parser do: MIME nesting, header bytes, embedded messages,
 * HTML depth (html-text.ts), and how many attachments are kept.
 */
export const PARSE_LIMITS = {
  maxNestingDepth: 64,
  maxHeadersSize: 1024 * 1024,
  maxRfc822NestingDepth: 3,
  maxAttachments: 50,
  /** Bytes of an embedded message scanned for its Message-ID and Subject. */
  embeddedScanBytes: 64 * 1024,
} as const;

/** The parse took longer than its budget: the mail is refused (recorded), not half-read. */
export class MailTooComplexError extends Error {}

export interface ParseOptions {
  /** Wall-clock budget for the whole parse, checked between stages. Default 10 s. */
  readonly budgetMs?: number;
  readonly now?: () => number;
}

export async function parseMail(raw: Uint8Array, options: ParseOptions = {}): Promise<ParsedMail> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const budget = options.budgetMs ?? 10_000;
  const checkBudget = (stage: string) => {
    if (now() - started > budget) throw new MailTooComplexError(`parsing exceeded ${budget} ms (${stage})`);
  };

  const normalised = normaliseCharsets(raw);
  checkBudget('charsets');
  const email = await PostalMime.parse(normalised, {
    attachmentEncoding: 'arraybuffer',
    // Embedded messages (bounces, forwards) stay attachments: their text is not the sender's.
    forceRfc822Attachments: true,
    maxNestingDepth: PARSE_LIMITS.maxNestingDepth,
    maxHeadersSize: PARSE_LIMITS.maxHeadersSize,
    maxRfc822NestingDepth: PARSE_LIMITS.maxRfc822NestingDepth,
  });
  checkBudget('mime');

  const headers: MailHeader[] = email.headers.map((header) => ({ key: header.key, value: header.value }));
  const text = tidy(email.text ?? '');
  const html = email.html ?? '';
  const body = text.length > 0 ? text : html ? await htmlToText(html) : '';
  checkBudget('html');

  const contentTypeHeader = headerValues({ headers }, 'content-type')[0] ?? 'text/plain';
  const attachments = email.attachments.slice(0, PARSE_LIMITS.maxAttachments).map(toAttachment);
  return {
    messageId: normaliseMessageId(headerValues({ headers }, 'message-id')[0]),
    inReplyTo: messageIdList(headerValues({ headers }, 'in-reply-to').join(' ')),
    references: messageIdList(headerValues({ headers }, 'references').join(' ')),
    from: senderOf({
      from: headerValues({ headers }, 'from'),
      replyTo: headerValues({ headers }, 'reply-to'),
      sender: headerValues({ headers }, 'sender'),
      returnPath: headerValues({ headers }, 'return-path'),
    }),
    to: headerValues({ headers }, 'to').flatMap(parseMailboxes),
    cc: headerValues({ headers }, 'cc').flatMap(parseMailboxes),
    subject: cleanSubject(email.subject ?? decodeWords(headerValues({ headers }, 'subject')[0] ?? '')),
    date: email.date,
    text,
    html,
    body,
    headers,
    contentType: contentTypeHeader.split(';')[0]!.trim().toLowerCase(),
    reportType: /report-type\s*=\s*"?([\w-]+)/i.exec(contentTypeHeader)?.[1]?.toLowerCase(),
    attachments,
    embedded: embeddedHeaders(email.attachments),
  };
}

/**
 * The header block of a mail read only in part (the start of an oversized one): everything up to
 * the first empty line (or, when the block runs past what was read, up to its last whole line),
 * parsed as a mail without a body. Sender, subject, Message-ID and the classifier's headers are
 * then what they are in the whole mail.
 */
export function parseMailHeaders(start: Uint8Array, options: ParseOptions = {}): Promise<ParsedMail> {
  const text = Buffer.from(start.buffer, start.byteOffset, start.byteLength).toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  const end = blank ? blank.index : Math.max(0, text.lastIndexOf('\n'));
  const block = Buffer.from(`${text.slice(0, end)}\r\n\r\n`, 'latin1');
  return parseMail(new Uint8Array(block.buffer, block.byteOffset, block.byteLength), options);
}

/** Subjects keep their words; control characters and line breaks go (they come from broken folding). */
function cleanSubject(subject: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return subject.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/\s*[\r\n]+\s*/g, ' ');
}

function bytesOf(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function toAttachment(attachment: Attachment, index: number): ParsedAttachment {
  const content = bytesOf(attachment.content);
  const contentType = attachment.mimeType || 'application/octet-stream';
  return {
    filename: safeFilename(attachment.filename, contentType, index),
    contentType,
    size: content.byteLength,
    content,
    contentId: attachment.contentId ?? null,
    inline: attachment.disposition === 'inline' || attachment.related === true,
  };
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'message/rfc822': 'eml',
  'text/rfc822-headers': 'txt',
  'message/delivery-status': 'txt',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};

/** A file name safe to show and to put in a download header: no paths, no control characters, bounded. */
export function safeFilename(name: string | null | undefined, contentType: string, index: number): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  if (base && base !== '.' && base !== '..') return base;
  return `attachment-${index + 1}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

/** Message-IDs and subjects of embedded messages: how a bounce names the mail it is about. */
function embeddedHeaders(attachments: readonly Attachment[]): ParsedMail['embedded'] {
  const messageIds: string[] = [];
  const subjects: string[] = [];
  for (const attachment of attachments) {
    if (!/^(message\/rfc822|text\/rfc822-headers|message\/global)/.test(attachment.mimeType)) continue;
    const head = bytesOf(attachment.content).subarray(0, PARSE_LIMITS.embeddedScanBytes);
    const text = decodeText(head, 'utf-8');
    const headerBlock = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
    const unfolded = headerBlock.replace(/\r?\n[ \t]+/g, ' ');
    for (const match of unfolded.matchAll(/^message-id:\s*(.+)$/gim)) {
      const id = normaliseMessageId(match[1]);
      if (id) messageIds.push(id);
    }
    for (const match of unfolded.matchAll(/^subject:\s*(.+)$/gim))
      subjects.push(decodeWords(match[1]!.trim()));
  }
  return { messageIds: messageIds.slice(0, 10), subjects: subjects.slice(0, 10) };
}
