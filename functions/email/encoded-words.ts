import { decodeText, effectiveCharset } from './charsets.js';

/** RFC 2047 encoded words: `=?charset?B|Q?payload?=`. */
export const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function hexValue(text: string): number | undefined {
  return /^[0-9a-f]{2}$/i.test(text) ? Number.parseInt(text, 16) : undefined;
}

/** Quoted-printable to bytes; the input is a binary ("latin1") string. Malformed escapes stay literal. */
export function quotedPrintableBytes(text: string): Buffer {
  const out: number[] = [];
  const unfolded = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const char = unfolded.charCodeAt(i);
    if (char === 0x3d) {
      const value = hexValue(unfolded.slice(i + 1, i + 3));
      if (value !== undefined) {
        out.push(value);
        i += 2;
        continue;
      }
    }
    out.push(char & 0xff);
  }
  return Buffer.from(out);
}

/** The bytes an encoded word's payload stands for (B: base64; Q: quoted-printable with `_` for space). */
export function encodedWordBytes(encoding: string, payload: string): Buffer {
  return encoding.toUpperCase() === 'B'
    ? Buffer.from(payload, 'base64')
    : quotedPrintableBytes(payload.replace(/_/g, ' '));
}

/**
 * Decodes one encoded word leniently: the payload may contain `?` (which strict decoders refuse,
 * leaving the raw word in a display name or address).
 */
export function decodeEncodedWordLeniently(word: string): string | undefined {
  const match = /^=\?([^?\s]+)\?([bBqQ])\?(.*)\?=$/.exec(word);
  if (!match) return undefined;
  const bytes = encodedWordBytes(match[2]!, match[3]!);
  return decodeText(bytes, effectiveCharset(match[1]!.split('*')[0], bytes));
}
