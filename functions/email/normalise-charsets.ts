import { guessCharset } from './charset-guess.js';
import {
  canonicalLabel,
  decodeText,
  effectiveCharset,
  hasEightBitBytes,
  isNativeCharset,
  isValidUtf8,
} from './charsets.js';
import { ENCODED_WORD, encodedWordBytes, quotedPrintableBytes } from './encoded-words.js';

/**
 * A pass over the raw message before MIME parsing, so that postal-mime (which decodes with
 * TextDecoder and falls back to windows-1252 for labels it does not know) sees only charsets it
 * can read:
 * - text parts in charsets TextDecoder lacks (UTF-7, cp932, misspelt labels), Shift_JIS mislabelled
 *   as ISO-2022-JP, and undeclared 8-bit text are re-encoded as UTF-8 (base64);
 * - encoded words (RFC 2047) in such charsets are rewritten as UTF-8 encoded words;
 * - raw 8-bit header blocks that are not UTF-8 (RFC 6532 allows only UTF-8) are transcoded from the
 *   part's charset, or windows-1252.
 * Everything else is left byte for byte as it was. Linear in the size of the message: one regex
 * pass for boundaries, one for delimiter lines, then each part once.
 */
export function normaliseCharsets(raw: Uint8Array): Uint8Array {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const pieces = splitAtDelimiters(text, declaredBoundaries(text));
  const hint = legacyCharsetHint(text);
  let changed = false;
  const out = pieces.map((piece) => {
    if (piece.kind !== 'part') return piece.text;
    const fixed = fixPart(piece.text, hint);
    if (fixed !== piece.text) changed = true;
    return fixed;
  });
  return changed ? Buffer.from(out.join(''), 'latin1') : raw;
}

/** postal-mime nests at most 256 levels; more distinct boundaries than that cannot all be real. */
const MAX_BOUNDARIES = 512;

function declaredBoundaries(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/boundary\s*=\s*(?:"([^"\r\n]+)"|([^;\s"]+))/gi)) {
    const boundary = (match[1] ?? match[2] ?? '').trim();
    if (boundary) found.add(boundary);
    if (found.size >= MAX_BOUNDARIES) break;
  }
  return [...found];
}

type Piece = { kind: 'part' | 'delimiter' | 'epilogue'; text: string };

/** Delimiter lines (`--boundary`, `--boundary--`) and what lies between them. */
function splitAtDelimiters(text: string, boundaries: readonly string[]): Piece[] {
  if (boundaries.length === 0) return [{ kind: 'part', text }];
  const alternatives = boundaries.map((b) => b.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  const delimiter = new RegExp(`^--(?:${alternatives})(--)?[ \\t]*(?:\\r?\\n|$)`, 'gm');
  const pieces: Piece[] = [];
  let position = 0;
  let afterClosing = false;
  for (const match of text.matchAll(delimiter)) {
    const start = match.index;
    if (start > position) {
      pieces.push({ kind: afterClosing ? 'epilogue' : 'part', text: text.slice(position, start) });
    }
    pieces.push({ kind: 'delimiter', text: match[0] });
    position = start + match[0].length;
    afterClosing = match[1] !== undefined;
  }
  if (position < text.length) {
    pieces.push({ kind: afterClosing ? 'epilogue' : 'part', text: text.slice(position) });
  }
  return pieces;
}

interface PartHeaders {
  readonly contentType: string | undefined;
  readonly transferEncoding: string | undefined;
  readonly disposition: string | undefined;
}

function headerValue(block: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*((?:[^\\r\\n]|\\r?\\n[ \\t])*)`, 'im').exec(block);
  return match ? match[1]!.replace(/\r?\n[ \t]/g, ' ').trim() : undefined;
}

function readHeaders(block: string): PartHeaders {
  return {
    contentType: headerValue(block, 'content-type'),
    transferEncoding: headerValue(block, 'content-transfer-encoding'),
    disposition: headerValue(block, 'content-disposition'),
  };
}

function charsetParam(contentType: string | undefined): string | undefined {
  const match = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/**
 * The first legacy charset the message declares anywhere (a part's charset or an encoded word):
 * the best guess for raw 8-bit headers, which declare nothing (Japanese mailers write Shift_JIS
 * subjects next to ISO-2022-JP parts).
 */
function legacyCharsetHint(text: string): string | undefined {
  const labels = /charset\s*=\s*["']?([^"';\s]+)|=\?([^?\s*]+)[^?\s]*\?[bBqQ]\?/gi;
  let scanned = 0;
  for (const match of text.matchAll(labels)) {
    const label = canonicalLabel(match[1] ?? match[2]);
    if (isKnownLabel(label) && !/^utf-?8$/.test(label)) return label;
    if (++scanned > 1000) break;
  }
  return undefined;
}

function fixPart(part: string, hint: string | undefined): string {
  const newline = part.includes('\r\n') ? '\r\n' : '\n';
  const split = /\r?\n\r?\n/.exec(part);
  const startsBlank = /^\r?\n/.test(part);
  const headerEnd = startsBlank ? 0 : split ? split.index : part.length;
  const separatorEnd = startsBlank
    ? /^\r?\n/.exec(part)![0].length
    : split
      ? split.index + split[0].length
      : part.length;
  const headerBlock = part.slice(0, headerEnd);
  const separator = part.slice(headerEnd, separatorEnd);
  const body = part.slice(separatorEnd);
  const headers = readHeaders(headerBlock);
  const declared = charsetParam(headers.contentType);

  let fixedHeaders = fixHeaderBlock(headerBlock, declared ?? hint);
  const recoded = recodeTextBody(body, headers, declared, newline);
  if (recoded === undefined) return fixedHeaders === headerBlock ? part : fixedHeaders + separator + body;
  fixedHeaders = withUtf8Base64Headers(fixedHeaders, headers, newline);
  return fixedHeaders + (separator || newline + newline) + recoded;
}

/** Transcodes a non-UTF-8 8-bit header block and rewrites encoded words TextDecoder cannot read. */
function fixHeaderBlock(block: string, declared: string | undefined): string {
  let result = block;
  const bytes = Buffer.from(block, 'latin1');
  if (hasEightBitBytes(bytes) && !isValidUtf8(bytes)) {
    // Nothing declared anywhere: guess from the lines that carry the 8-bit bytes, else windows-1252.
    const label =
      declared && isKnownLabel(declared)
        ? effectiveCharset(declared, bytes)
        : (guessCharset(eightBitLines(bytes)) ?? 'windows-1252');
    result = Buffer.from(decodeText(bytes, label), 'utf8').toString('latin1');
  }
  return result.replace(ENCODED_WORD, (word, label: string, encoding: string, payload: string) => {
    const charset = label.split('*')[0]!;
    const wordBytes = encodedWordBytes(encoding, payload);
    const target = effectiveCharset(charset, wordBytes);
    if (isNativeCharset(target) && target === canonicalLabel(charset)) return word;
    const utf8 = Buffer.from(decodeText(wordBytes, target), 'utf8');
    return `=?utf-8?B?${utf8.toString('base64')}?=`;
  });
}

/** The header lines (folded ones included) that hold 8-bit bytes: the guess's sample, without the ASCII rest. */
function eightBitLines(bytes: Uint8Array): Uint8Array {
  const lines = Buffer.from(bytes).toString('latin1').split(/\r?\n/);
  const kept = lines.filter((line) => /[\x80-\xff]/.test(line));
  return Buffer.from(kept.join('\n'), 'latin1');
}

function isKnownLabel(label: string): boolean {
  const canonical = canonicalLabel(label);
  return canonical !== '' && canonical !== 'us-ascii' && canonical !== 'ascii';
}

/** The UTF-8 text of a text part whose charset needs fixing, base64-encoded; undefined when it is fine. */
function recodeTextBody(
  body: string,
  headers: PartHeaders,
  declared: string | undefined,
  newline: string,
): string | undefined {
  const mediaType = (headers.contentType?.split(';')[0] ?? 'text/plain').trim().toLowerCase();
  if (mediaType !== 'text/plain' && mediaType !== 'text/html') return undefined;
  if (/^\s*attachment/i.test(headers.disposition ?? '')) return undefined;
  if (body.length === 0) return undefined;
  const encoding = (headers.transferEncoding ?? '').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? quotedPrintableBytes(body)
        : Buffer.from(body, 'latin1');
  const target = effectiveCharset(declared, bytes, guessCharset);
  const current = canonicalLabel(declared) || 'utf-8';
  if (
    isNativeCharset(target) &&
    (target === current || (!hasEightBitBytes(bytes) && isAsciiCompatible(current)))
  ) {
    return undefined;
  }
  const utf8 = Buffer.from(decodeText(bytes, target), 'utf8').toString('base64');
  return `${(utf8.match(/.{1,76}/g) ?? []).join(newline)}${newline}`;
}

/** Labels under which 7-bit text reads the same as ASCII (UTF-7 and the ISO-2022 family do not). */
function isAsciiCompatible(label: string): boolean {
  return !/utf-?7|2022|utf-?16|utf-?32|ucs/.test(label);
}

function withUtf8Base64Headers(block: string, headers: PartHeaders, newline: string): string {
  const withoutOld = block
    .replace(/^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n)?/gim, '')
    .replace(/^content-transfer-encoding:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n)?/gim, '')
    .replace(/(?:\r?\n)+$/, '');
  const contentType = headers.contentType
    ? charsetParam(headers.contentType) !== undefined
      ? headers.contentType.replace(/charset\s*=\s*(?:"[^"]*"|'[^']*'|[^;\s]+)/i, 'charset=utf-8')
      : `${headers.contentType}; charset=utf-8`
    : 'text/plain; charset=utf-8';
  const lines = [`Content-Type: ${contentType}`, 'Content-Transfer-Encoding: base64'];
  return withoutOld ? `${withoutOld}${newline}${lines.join(newline)}` : lines.join(newline);
}
