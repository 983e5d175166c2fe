import { createHash } from 'node:crypto';
import type { SurveyView } from '../model.js';

/**
 * The survey's pages for browsers (docs/csat.md#the-form): plain HTML that works without
 * JavaScript and with a screen reader (a fieldset with a legend, labelled radio buttons, a
 * labelled comment box), no script at all, one stylesheet allowed by its hash in the CSP. Every
 * value from a record is escaped; the token never appears in the page (the form posts to the URL
 * it was served from, and `no-referrer` keeps it out of other sites' logs).
 */
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  'fieldset{border:1px solid #888;padding:1rem}label{display:block;margin:.25rem 0}' +
  'textarea{width:100%;min-height:6rem}button{margin-top:1rem;padding:.5rem 1.5rem}';

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** Headers of every survey response, HTML or JSON: nothing runs, nothing embeds it, nothing leaks the link. */
export const SURVEY_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const LABELS: Record<number, string> = {
  1: 'Very dissatisfied',
  2: 'Dissatisfied',
  3: 'Neither satisfied nor dissatisfied',
  4: 'Satisfied',
  5: 'Very satisfied',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The form: posts `rating` and `comment` form-encoded to the page's own URL. */
export function surveyForm(survey: SurveyView, preselected: number | undefined): string {
  const choices = [5, 4, 3, 2, 1]
    .map(
      (rating) =>
        `<label><input type="radio" name="rating" value="${rating}" required${rating === preselected ? ' checked' : ''}> ${rating} – ${LABELS[rating]}</label>`,
    )
    .join('\n');
  return page(
    `Feedback on ${survey.ticketId}`,
    [
      `<h1>Feedback on ${escapeHtml(survey.ticketId)}</h1>`,
      `<p>${escapeHtml(survey.title)}</p>`,
      '<form method="post">',
      '<fieldset>',
      `<legend>${escapeHtml(survey.question)}</legend>`,
      choices,
      '</fieldset>',
      '<label for="comment">Comment (optional, up to 2,000 characters)</label>',
      '<textarea id="comment" name="comment" maxlength="2000"></textarea>',
      '<button type="submit">Send</button>',
      '</form>',
    ].join('\n'),
  );
}

export function thankYouPage(ticketId: string, rating: number): string {
  return page(
    'Thank you',
    `<h1>Thank you</h1>\n<p>Your rating of ${rating} (${escapeHtml(LABELS[rating] ?? '')}) for ${escapeHtml(ticketId)} is recorded.</p>`,
  );
}

/** An error for a browser: the problem's title and detail, nothing else. */
export function errorPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(detail)}</p>`);
}
