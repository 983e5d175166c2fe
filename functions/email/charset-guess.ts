import { analyse } from 'chardet';
import { decoderLabel } from './charsets.js';

/*
 * A module of its own: chardet (~41 KB) goes only into what parses mail (normalise-charsets.ts),
 * not into the notifier, which reads charsets.ts for its header encoding.
 */

/**
 * Guesses the charset of undeclared 8-bit text that is not UTF-8, with chardet (ICU's detectors,
 * docs/decisions.md): only a guess the detector is sure of, and that decodes the bytes without an
 * error, counts; else undefined (the caller reads windows-1252, as before). Accepted guesses are
 * the CJK multi-byte charsets and, from at least 4 eight-bit bytes, the Cyrillic code pages; Latin
 * guesses agree with windows-1252 on what matters and a short Latin text (`é` alone) can look
 * Cyrillic, so they are not taken. chardet's multi-byte detectors answer a flat 10 for fewer than
 * about ten characters (a subject), so a short sample is repeated, lines apart, until it holds 48
 * eight-bit bytes: the frequency test then decides (6 GB2312 characters → GB18030 100).
 */
export function guessCharset(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, GUESS_SAMPLE_BYTES);
  let eightBit = 0;
  for (const byte of sample) if (byte >= 0x80) eightBit++;
  if (eightBit === 0) return undefined;
  const copies = Math.min(GUESS_MAX_COPIES, Math.ceil(GUESS_MIN_EIGHT_BIT / eightBit));
  const input =
    copies === 1 ? sample : Buffer.concat(Array.from({ length: copies }, () => [sample, NEWLINE]).flat());
  const best = analyse(input)[0];
  if (!best) return undefined;
  const name = best.name.toLowerCase();
  const multiByte = MULTI_BYTE_GUESSES.has(name) && best.confidence >= 50;
  const cyrillic = CYRILLIC_GUESSES.has(name) && best.confidence >= 60 && eightBit >= 4;
  if (!multiByte && !cyrillic) return undefined;
  const label = decoderLabel(name);
  if (!label) return undefined;
  try {
    new TextDecoder(label, { fatal: true }).decode(sample);
  } catch {
    return undefined;
  }
  return label;
}

const GUESS_SAMPLE_BYTES = 64 * 1024;
const GUESS_MIN_EIGHT_BIT = 48;
const GUESS_MAX_COPIES = 24;
const NEWLINE = new Uint8Array([0x0a]);
const MULTI_BYTE_GUESSES = new Set(['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr']);
const CYRILLIC_GUESSES = new Set(['windows-1251', 'koi8-r', 'iso-8859-5', 'ibm866']);
