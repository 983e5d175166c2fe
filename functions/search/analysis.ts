import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemFrench } from '@orama/stemmers/french';
import { stemmer as stemGerman } from '@orama/stemmers/german';

/**
 * Text analysis for full-text search (docs/search.md#analysis): the same steps for documents and
 * queries, so a word matches itself whatever its accents, case or inflection.
 *
 * 1. Exact tokens first: ticket ids (`INC-000123`) and email addresses are kept whole, lower-cased,
 *    never stemmed (`inc-000123`, `ann@example.com`).
 * 2. The rest splits on anything that is not a letter or digit; each word is lower-cased and
 *    folded (NFKD, combining marks dropped, `ß` → `ss`, `æ` → `ae`, `ø` → `o`): `Zürich` → `zurich`.
 * 3. Stop words (English, German, French; folded) are dropped.
 * 4. Stemming with the Snowball stemmers of `@orama/stemmers` in each of English, German and
 *    French: a word stands for its distinct stems (usually one, at most three), in documents and
 *    in queries alike, so a query word matches a document word when they share a stem, whatever
 *    language either is in (`connexions` → {`connexion`, `connex`}; `connexion` → {`connexion`}).
 *    No language detection to get wrong on a two-line ticket; the price is a few more postings.
 */
export const LANGUAGES = ['en', 'de', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

const STEMMERS: Record<Language, (word: string) => string> = {
  en: stemEnglish,
  de: stemGerman,
  fr: stemFrench,
};

/** Longest query `q` accepted (characters). */
export const MAX_QUERY_LENGTH = 200;
/** Most distinct words a query ANDs (each is at most three index partitions). */
export const MAX_QUERY_TERMS = 8;
/** Longest token indexed; longer ones (hashes, base64) are not words anyone searches for. */
export const MAX_TOKEN_LENGTH = 64;
/** Longest email address kept as a token. */
const MAX_ADDRESS_LENGTH = 254;

const TICKET_ID = /\b(?:INC|REQ|PRB|CHG|KE)-\d{6,}\b/gi;
const ADDRESS = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

const STOP_WORDS: Record<Language, readonly string[]> = {
  en: 'a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves'.split(
    ' ',
  ),
  de: 'aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus bei bin bis bist da damit dann das dass dein deine dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer eure fur gegen hab habe haben hat hatte ich ihm ihn ihr ihre im in ist jede jedem jeden jeder jedes jetzt kann kein keine mich mir mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so solche soll sondern sonst uber um und uns unser unter vom von vor war waren warum was weil welche wenn werden wie wieder will wir wird wo wurde zu zum zur zwar zwischen'.split(
    ' ',
  ),
  fr: 'au aux avec ce ces cette dans de des du elle elles en est et etait etre eu il ils je la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ont ou par pas pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une vos votre vous y a ete sans sous tres'.split(
    ' ',
  ),
};

const STOP = new Map<string, Set<Language>>();
for (const language of LANGUAGES) {
  for (const word of STOP_WORDS[language]) {
    const set = STOP.get(word) ?? new Set<Language>();
    set.add(language);
    STOP.set(word, set);
  }
}

/** Lower case without accents: `Zürich` → `zurich`, `Straße` → `strasse`, `Connexión` → `connexion`. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ø/g, 'o')
    .replace(/đ/g, 'd')
    .replace(/ł/g, 'l')
    .replace(/ı/g, 'i');
}

export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

/** One piece of text in order: `exact` tokens (ids, addresses) and folded `word`s (stop words kept). */
export interface Token {
  readonly kind: 'exact' | 'word';
  readonly text: string;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Exact tokens are cut out first, so their parts are not also indexed as words.
  const spans: { at: number; end: number; token: Token }[] = [];
  for (const pattern of [TICKET_ID, ADDRESS]) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index ?? 0;
      const end = at + match[0].length;
      if (spans.some((s) => at < s.end && end > s.at)) continue;
      const value = match[0].toLowerCase().replace(/\.+$/, '');
      if (value.length <= MAX_ADDRESS_LENGTH) spans.push({ at, end, token: { kind: 'exact', text: value } });
    }
  }
  spans.sort((a, b) => a.at - b.at);
  let from = 0;
  const words = (part: string) => {
    for (const match of fold(part).matchAll(WORD)) {
      if (match[0].length <= MAX_TOKEN_LENGTH) tokens.push({ kind: 'word', text: match[0] });
    }
  };
  for (const span of spans) {
    words(text.slice(from, span.at));
    tokens.push(span.token);
    from = span.end;
  }
  words(text.slice(from));
  return tokens;
}

/** The index term of a word in a language (folded again: a stemmer may not keep the folding). */
export function stem(word: string, language: Language): string {
  if (/^\d+$/.test(word)) return word;
  const stemmed = fold(STEMMERS[language](word));
  return stemmed.length > 0 ? stemmed : word;
}

/** The terms a token stands for: an exact token itself; a word its distinct stems in each language. */
export function termsOf(token: Token): readonly string[] {
  if (token.kind === 'exact') return [token.text];
  const first = stem(token.text, 'en');
  const rest = LANGUAGES.slice(1).map((language) => stem(token.text, language));
  return rest.every((term) => term === first) ? [first] : [...new Set([first, ...rest])];
}

/**
 * The terms of a text with their frequencies (a word counts once towards each of its stems), and
 * its length in words (stop words excluded).
 */
export function analyze(text: string): { terms: Map<string, number>; length: number } {
  const terms = new Map<string, number>();
  let length = 0;
  for (const token of tokenize(text)) {
    if (token.kind === 'word' && isStopWord(token.text)) continue;
    for (const term of termsOf(token)) terms.set(term, (terms.get(term) ?? 0) + 1);
    length++;
  }
  return { terms, length };
}

/** One query word: the terms any of which it matches (its stems in each language, or itself). */
export interface QueryTerm {
  readonly word: string;
  readonly variants: readonly string[];
}

export type QueryAnalysis =
  | { readonly ok: true; readonly terms: readonly QueryTerm[] }
  | { readonly ok: false; readonly message: string };

/** The words a query ANDs, or why it cannot be searched (it names no word that is not a stop word, ...). */
export function analyzeQuery(q: string): QueryAnalysis {
  if (q.length > MAX_QUERY_LENGTH) {
    return { ok: false, message: `must be at most ${MAX_QUERY_LENGTH} characters` };
  }
  const seen = new Map<string, QueryTerm>();
  for (const token of tokenize(q)) {
    if (token.kind === 'word' && isStopWord(token.text)) continue;
    const variants = termsOf(token);
    const key = variants.join(' ');
    if (!seen.has(key)) seen.set(key, { word: token.text, variants });
  }
  if (seen.size === 0) {
    return {
      ok: false,
      message: 'must contain at least one word that is not a stop word (such as "the", "der", "le")',
    };
  }
  if (seen.size > MAX_QUERY_TERMS) {
    return { ok: false, message: `must contain at most ${MAX_QUERY_TERMS} distinct words, not ${seen.size}` };
  }
  return { ok: true, terms: [...seen.values()] };
}
