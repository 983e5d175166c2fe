import { addressParser, decodeWords } from 'postal-mime';
import { decodeEncodedWordLeniently } from './encoded-words.js';

export { domainOf, normaliseAddress } from './address-forms.js';

/** One mailbox: the address as written (case kept) and the decoded display name ('' when none). */
export interface Mailbox {
  readonly address: string;
  readonly name: string;
}

/** A header value longer than this is not a list of addresses a person wrote; parse only its start. */
const MAX_ADDRESS_HEADER = 16 * 1024;
/** Mailboxes kept per header: enough for any real Cc line, bounded for a hostile one. */
const MAX_MAILBOXES = 200;

/**
 * Mailboxes of an address header, tolerant of what real mail does wrong:
 * - encoded words (RFC 2047) that hide a comma or quote (`=?iso-8859-1?Q?B=FCrling,=20A?=`), or that
 *   sit where an address belongs (decoded there only when the result is a plain local part, so an
 *   encoded word can never smuggle in `<victim@host>`);
 * - `MAILER-DAEMON (Mail Delivery System)`: a bare local part with a comment as its name;
 * - `"Name" <>` (an empty address) and groups (`undisclosed-recipients:;`).
 */
export function parseMailboxes(value: string | undefined): Mailbox[] {
  if (!value) return [];
  const input = value.slice(0, MAX_ADDRESS_HEADER);
  const bareWithComment = /^\s*([^\s()<>@,;:"]+)\s*\(([^()]*)\)\s*$/.exec(input);
  if (bareWithComment) return [{ address: bareWithComment[1]!, name: bareWithComment[2]!.trim() }];
  let mailboxes = parsed(input);
  if (mailboxes.some(looksUndecoded)) mailboxes = parsed(decodeEncodedWordsFirst(input));
  return mailboxes.slice(0, MAX_MAILBOXES);
}

function parsed(input: string): Mailbox[] {
  return addressParser(input, { flatten: true }).map((entry) => ({
    address: (entry.address ?? '').trim(),
    name: (entry.name ?? '').trim(),
  }));
}

function looksUndecoded(mailbox: Mailbox): boolean {
  return /=\?|\?=/.test(mailbox.name) || mailbox.address.includes('=?');
}

const ENCODED_WORD_RUN = /=\?[^?\s]+\?[bBqQ]\?.*?\?=(?:\s+=\?[^?\s]+\?[bBqQ]\?.*?\?=)*/g;
const SPECIALS = /[()<>@,;:\\".[\]\s]/;

/** Replaces each run of encoded words by what it means, quoted where the text needs quoting. */
function decodeEncodedWordsFirst(input: string): string {
  return input.replace(ENCODED_WORD_RUN, (run: string, offset: number) => {
    const decoded = decodeRun(run);
    const inAddress = input[offset + run.length] === '@';
    if (inAddress) return SPECIALS.test(decoded) ? run : decoded;
    const insideQuotes = (input.slice(0, offset).match(/"/g) ?? []).length % 2 === 1;
    if (insideQuotes) return decoded.replace(/["\\]/g, '\\$&');
    return `"${decoded.replace(/["\\]/g, '\\$&')}"`;
  });
}

/** decodeWords first; a word it leaves as is (a `?` in the payload) is decoded leniently. */
function decodeRun(run: string): string {
  const decoded = decodeWords(run);
  if (!decoded.includes('=?')) return decoded;
  return run
    .split(/\s+/)
    .map((word) => decodeEncodedWordLeniently(word) ?? word)
    .join('');
}

/** A mailbox that names someone we could answer (or at least identify): it has a local part. */
function isUsable(mailbox: Mailbox): boolean {
  return mailbox.address.length > 0;
}

export interface SenderHeaders {
  readonly from: readonly string[];
  readonly replyTo: readonly string[];
  readonly sender: readonly string[];
  readonly returnPath: readonly string[];
}

/**
 * Who sent the mail: the first From mailbox with an address (several From headers, or a From with
 * an empty address before a real one, both occur in spam and in broken mailers), then Reply-To,
 * Sender and Return-Path, as Zammad falls back.
 */
export function senderOf(headers: SenderHeaders): Mailbox | undefined {
  for (const value of headers.from) {
    const found = parseMailboxes(value).find((mailbox) => isUsable(mailbox) && mailbox.address.includes('@'));
    if (found) return found;
  }
  for (const value of headers.from) {
    const found = parseMailboxes(value).find(isUsable);
    if (found) return found;
  }
  for (const values of [headers.replyTo, headers.sender, headers.returnPath]) {
    for (const value of values) {
      const found = parseMailboxes(value).find(isUsable);
      if (found) return found;
    }
  }
  return undefined;
}
