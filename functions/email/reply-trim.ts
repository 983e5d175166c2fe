/**
 * Trims the quoted history below a reply, so that a comment holds what the sender wrote and not
 * the whole thread again. Conservative: it cuts at the first line that clearly starts quoted
 * history, or drops a trailing block of `>` lines; inline answers between quotes are kept, and when
 * cutting would leave nothing the text is kept whole.
 */

/** The line Opsdesk puts above the quoted thread in its own mail (GLPI's "reply above this line" idea). */
export const REPLY_ABOVE_MARKER = '##- Please type your reply above this line -##';

const QUOTE_HEADERS: readonly RegExp[] = [
  /^##- .*above this line.* -##$/i,
  // "On Mon, 23 Nov 2026 at 10:00, Alice <a@example.com> wrote:" (also wrapped onto two lines)
  // (German puts the verb before the name: "Am 23.11.2026 um 10:00 schrieb Alice <a@example.com>:")
  /^(on|am|le|el|op|il|den|em|w dniu)\b.{0,300}\b(wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev|escreveu|napisał)(\s*:?\s*$|\b.{0,200}:\s*$)/i,
  /^-{2,}\s*(original message|original nachricht|ursprüngliche nachricht|message d'origine|mensaje original|oorspronkelijk bericht|messaggio originale)\s*-{2,}\s*$/i,
  /^-{2,}\s*original-nachricht\s*-{2,}\s*$/i,
  /^_{20,}\s*$/,
];

/** Outlook's quoted header block: `From:` then `Sent:`/`Date:` within the next lines (also German). */
const OUTLOOK_FROM = /^\*?(from|von|de|da)\s*:\*?\s+\S/i;
const OUTLOOK_NEXT = /^\*?(sent|date|gesendet|datum|envoyé|enviado|to|an|subject|betreff)\s*:/i;

const MAX_LINES = 20_000;

export function trimQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').slice(0, MAX_LINES);
  const cut = quoteStart(lines);
  const kept = trimTrailingQuote(cut === undefined ? lines : lines.slice(0, cut));
  const result = kept.join('\n').trim();
  return result.length > 0 ? result : text.trim();
}

function quoteStart(lines: readonly string[]): number | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (QUOTE_HEADERS.some((pattern) => pattern.test(line))) return i;
    // A quote header wrapped onto two lines: "On Mon, 23 Nov 2026 at 10:00, Alice" / "<a@x> wrote:"
    const joined = `${line} ${(lines[i + 1] ?? '').trim()}`;
    if (/^(on|am|le|el|op)\b/i.test(line) && QUOTE_HEADERS[1]!.test(joined)) return i;
    if (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 5).some((next) => OUTLOOK_NEXT.test(next.trim()))) {
      return i > 0 && /^_{10,}\s*$/.test(lines[i - 1]!.trim()) ? i - 1 : i;
    }
  }
  return undefined;
}

/** Drops a block of `>` lines (and blank lines) at the very end. */
function trimTrailingQuote(lines: readonly string[]): readonly string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1]!.trim() === '' || lines[end - 1]!.trimStart().startsWith('>'))) end--;
  return lines.slice(0, end);
}
