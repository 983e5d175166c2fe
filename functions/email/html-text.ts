import type { HtmlToTextOptions } from 'html-to-text';

/**
 * HTML mail bodies as plain text: no markup, no scripts or styles, no tracking images; links keep
 * their target in brackets; quoted history (`<blockquote>`) keeps a `> ` prefix so that the reply
 * trimmer can find it. Limits keep a hostile document (deep nesting, millions of siblings) from
 * costing more than a bounded walk.
 */
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: {
    maxInputLength: 2 * 1024 * 1024,
    maxDepth: 256,
    maxChildNodes: 20_000,
    ellipsis: '…',
  },
  selectors: [
    { selector: 'head', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true } },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'inline' },
    { selector: 'th', format: 'inline' },
  ],
};

let converter: Promise<(html: string) => string> | undefined;

/**
 * html-to-text is imported on the first HTML-only mail, not at cold start: most mail carries a
 * text part, and importing and compiling the converter is ~15–20 ms of the ingest function's init.
 */
function loadConverter(): Promise<(html: string) => string> {
  converter ??= import('html-to-text').then(({ compile }) => compile(OPTIONS));
  return converter;
}

export async function htmlToText(html: string): Promise<string> {
  return tidy((await loadConverter())(html));
}

/** Trailing spaces off, at most one empty line in a row, no leading or trailing blank lines. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
