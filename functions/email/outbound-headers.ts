import { ENCODED_WORD } from './encoded-words.js';
import type { OutboundMail } from './mail/mail-sender.js';
import { normaliseMessageId } from './message-ids.js';

/**
 * The header fields of the mail Opsdesk sends, as they go on the wire (RFC 5322, RFC 2047). Every
 * header value passes through here in the mail senders (SES and the local outbox), whichever code
 * composed the mail (notifier, SLA sweeper, change workflow): text from records — a ticket title
 * in the Subject, a display name, a Message-ID read from someone's mail — can never end a header
 * line and start another (`Bcc: …`), even if it was stored before the API refused control
 * characters in one-line fields. Control characters and line separators fold into a space;
 * non-ASCII text becomes encoded words; invalid addresses, Message-IDs and header names are dropped.
 */

/** C0 and C1 controls (CR, LF, TAB, NUL, DEL, NEL…) and the Unicode line and paragraph separators. */
const LINE_BREAKING = / *[\p{Cc}\p{Zl}\p{Zp}]+ */gu;

/** `text` on one line: each run of control characters or line separators becomes one space. */
export function singleLine(text: string): string {
  return text.replace(LINE_BREAKING, ' ').trim();
}

/** Encoded words of at most 45 bytes of UTF-8: `=?UTF-8?B?` + 60 base64 characters + `?=` is 72 ≤ 75. */
const WORD_BYTES = 45;
const LOOKS_ENCODED = new RegExp(ENCODED_WORD.source);

/** RFC 2047 B-encoded words for `text`, split between code points (never inside a UTF-8 sequence). */
export function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (chunk && bytes + size > WORD_BYTES) {
      words.push(encodedWord(chunk));
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk) words.push(encodedWord(chunk));
  return words;
}

function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * An unstructured header value (Subject, custom headers): one line of printable ASCII. Non-ASCII
 * text, and text that a reader would otherwise decode as encoded words, is encoded whole.
 */
export function headerText(text: string, max = Number.POSITIVE_INFINITY): string {
  const line = singleLine(text);
  if (!needsEncoding(line)) return line.slice(0, max);
  const words: string[] = [];
  let length = -1;
  for (const word of encodedWords(line)) {
    if (length + 1 + word.length > max) break;
    words.push(word);
    length += 1 + word.length;
  }
  return words.join(' ');
}

function needsEncoding(line: string): boolean {
  return /[^\x20-\x7e]/.test(line) || LOOKS_ENCODED.test(line);
}

/** A plain `local@domain` in printable ASCII, with nothing that could name another mailbox. */
const ADDRESS = /^[^\s<>()[\]\\,;:"@]+@[^\s<>()[\]\\,;:"@]+$/;

export function isMailAddress(address: string): boolean {
  return /^[\x21-\x7e]+$/.test(address) && ADDRESS.test(address);
}

/** A display name that may go unquoted: RFC 5322 atext and spaces. */
const ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** `Name <address>` with the name encoded or quoted as it needs; undefined for an invalid address. */
export function mailbox(address: string, name?: string | null): string | undefined {
  const addr = address.trim();
  if (!isMailAddress(addr)) return undefined;
  const display = singleLine(name ?? '');
  if (!display) return addr;
  if (needsEncoding(display)) {
    return `${encodedWords(display).join(' ')} <${addr}>`;
  }
  if (ATOMS.test(display)) return `${display} <${addr}>`;
  return `"${display.replace(/[\\"]/g, '\\$&')}" <${addr}>`;
}

/** `address` or `Name <address>` (a configured sender) re-rendered by `mailbox`. */
export function parsedMailbox(text: string): string | undefined {
  const match = /^(.*)<([^<>]*)>\s*$/s.exec(text);
  if (!match) return mailbox(text);
  return mailbox(match[2]!, match[1]!.trim().replace(/^"(.*)"$/s, '$1'));
}

/** A Message-ID we may write: `<…>` of printable ASCII, at most 500 characters; else undefined. */
export function wireMessageId(id: string | undefined): string | undefined {
  const normalised = normaliseMessageId(id);
  return normalised && /^<[\x21-\x7e]+>$/.test(normalised) ? normalised : undefined;
}

/** SES's bound on a header value it is given (MessageHeader.Value); also well under RFC 5322's 998. */
export const MAX_HEADER_VALUE = 870;

/** Message-IDs joined for References, dropping from the second one on until the value fits. */
function referencesValue(ids: readonly string[]): string {
  const kept = [...new Set(ids)];
  while (kept.length > 2 && kept.join(' ').length > MAX_HEADER_VALUE) kept.splice(1, 1);
  return kept.join(' ').length > MAX_HEADER_VALUE ? kept.slice(-1).join('') : kept.join(' ');
}

/** RFC 5322 field names: printable ASCII but the colon (SES: at most 126 characters). */
const FIELD_NAME = /^[!-9;-~]{1,126}$/;

/**
 * Fields a custom header may not set: the sender writes them from the mail's own properties, and
 * a custom `Bcc` or `To` would add recipients.
 */
const STRUCTURAL_FIELDS = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'return-path',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
]);

/** Fields SES writes itself from SendEmail's parameters (From, Destination, Subject, Body). */
export const SENDER_WRITTEN_FIELDS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

/**
 * The mail with every value that reaches a header made safe but still readable (not encoded):
 * Subject and custom header values on one line, recipients that are plain addresses, Message-IDs
 * that are valid, custom headers with valid, non-structural names. The body is untouched.
 */
export function headerSafeMail(mail: OutboundMail): OutboundMail {
  const cc = (mail.cc ?? []).map((address) => address.trim()).filter(isMailAddress);
  const inReplyTo = wireMessageId(mail.inReplyTo);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    if (!FIELD_NAME.test(name) || STRUCTURAL_FIELDS.has(name.toLowerCase())) continue;
    const line = singleLine(String(value));
    if (line) headers[name] = line;
  }
  return {
    to: mail.to.map((address) => address.trim()).filter(isMailAddress),
    ...(cc.length > 0 ? { cc } : {}),
    subject: singleLine(mail.subject),
    text: mail.text,
    messageId: wireMessageId(mail.messageId) ?? mail.messageId.replace(/[^\x21-\x7e]/g, ''),
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(mail.references ? { references: mail.references.flatMap((id) => wireMessageId(id) ?? []) } : {}),
    automatic: mail.automatic,
    headers,
  };
}

export interface HeaderField {
  readonly name: string;
  /** One line of printable ASCII. */
  readonly value: string;
}

export interface WireOptions {
  /** The sender, `address` or `Name <address>`. */
  readonly from: string;
  readonly date?: Date;
}

/**
 * Every header field of `mail` as written on the wire, in order: each value one line of printable
 * ASCII (SES's MessageHeader rule, and RFC 5322's before folding). The body is always a single
 * `text/plain` part: Opsdesk sends no HTML, so user text can carry no active content.
 */
export function wireHeaderFields(mail: OutboundMail, options: WireOptions): HeaderField[] {
  const safe = headerSafeMail(mail);
  const from = parsedMailbox(options.from);
  if (!from) throw new Error('the sender is not a valid mail address');
  const fields: HeaderField[] = [{ name: 'From', value: from }];
  if (safe.to.length > 0) fields.push({ name: 'To', value: safe.to.join(', ') });
  if (safe.cc) fields.push({ name: 'Cc', value: safe.cc.join(', ') });
  fields.push({ name: 'Subject', value: headerText(safe.subject) });
  if (options.date) fields.push({ name: 'Date', value: options.date.toUTCString() });
  fields.push({ name: 'Message-ID', value: safe.messageId });
  if (safe.inReplyTo) fields.push({ name: 'In-Reply-To', value: safe.inReplyTo });
  if (safe.references && safe.references.length > 0) {
    fields.push({ name: 'References', value: referencesValue(safe.references) });
  }
  // Custom headers override the automatic-mail defaults (one field per name, case-insensitively).
  const extra = new Map<string, HeaderField>();
  const automatic = mail.automatic
    ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' }
    : {};
  for (const [name, value] of Object.entries({ ...automatic, ...safe.headers })) {
    extra.set(name.toLowerCase(), { name, value: headerText(value, MAX_HEADER_VALUE) });
  }
  fields.push(...extra.values());
  fields.push(
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Content-Type', value: 'text/plain; charset=UTF-8' },
    { name: 'Content-Transfer-Encoding', value: 'base64' },
  );
  return fields;
}

/**
 * The header block of `fields` as it goes on the wire: `Name: value` lines joined by CRLF, long
 * lines folded at spaces (a fold is CRLF followed by a space, which readers unfold back).
 */
export function renderHeaderBlock(fields: readonly HeaderField[]): string {
  return fields.map((field) => fold(`${field.name}: ${field.value}`)).join('\r\n');
}

function fold(line: string, width = 78): string {
  if (line.length <= width) return line;
  const [first = '', ...words] = line.split(' ');
  const parts: string[] = [];
  let current = first;
  for (const word of words) {
    if (current.length > 0 && current.length + 1 + word.length > width) {
      parts.push(current);
      current = word;
    } else {
      current = `${current} ${word}`;
    }
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** The whole message as it would be sent: header block, blank line, the text as base64 UTF-8. */
export function renderMessage(mail: OutboundMail, options: WireOptions): string {
  const body = Buffer.from(mail.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64');
  const lines = body.match(/.{1,76}/g) ?? [];
  return `${renderHeaderBlock(wireHeaderFields(mail, options))}\r\n\r\n${lines.join('\r\n')}\r\n`;
}
