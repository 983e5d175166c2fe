import * as z from 'zod/mini';

/**
 * Control characters (C0 and C1: CR, LF, TAB, NUL, DEL, NEL…) and the Unicode line and paragraph
 * separators. None belongs in a one-line field; CR/LF in a title would otherwise reach a mail's
 * Subject (header injection) and break every single-line display.
 */
const NOT_SINGLE_LINE = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/** Whether `text` has no control characters and no line or paragraph separators. */
export function isSingleLine(text: string): boolean {
  return !NOT_SINGLE_LINE.test(text);
}

/**
 * A one-line free-text field (titles, names): no control characters or line breaks anywhere (they
 * are refused, not trimmed away, so a client learns its input was wrong), then trimmed, then
 * `min`–`max` characters. Multi-line text (descriptions, comments, notes) uses `longText` instead.
 */
export function singleLine(max: number, min = 0) {
  return z.string().check(
    z.refine(isSingleLine, {
      message: 'must be a single line without control characters',
      abort: true,
    }),
    z.trim(),
    ...(min > 0 ? [z.minLength(min)] : []),
    z.maxLength(max),
  );
}
