/** docs/api.md#errors: descriptions and comment bodies are at most 64 KiB (UTF-8). */
export const MAX_TEXT_BYTES = 64 * 1024;

const TRUNCATION_NOTE = '\n\n[… truncated at 64 KiB; the whole message is attached as original-message.eml]';

/** The text cut (on a character boundary) so that it and the note fit in 64 KiB; `truncated` says whether it was. */
export function boundedText(text: string): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= MAX_TEXT_BYTES) return { text, truncated: false };
  const budget = MAX_TEXT_BYTES - Buffer.byteLength(TRUNCATION_NOTE, 'utf8');
  const bytes = Buffer.from(text, 'utf8').subarray(0, budget);
  // A cut inside a multi-byte character leaves a replacement character at the end: drop it.
  const cut = bytes.toString('utf8').replace(/\uFFFD+$/, '');
  return { text: cut + TRUNCATION_NOTE, truncated: true };
}

/** A title within the 1–200 characters of docs/api.md#errors. */
export function titleFrom(subject: string): string {
  const title = subject.replace(/\s+/g, ' ').trim();
  if (title.length === 0) return '(no subject)';
  return title.length <= 200 ? title : `${title.slice(0, 199)}…`;
}
