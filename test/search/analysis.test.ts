import { describe, expect, it } from 'vitest';
import {
  analyze,
  analyzeQuery,
  fold,
  MAX_QUERY_LENGTH,
  termsOf,
  tokenize,
} from '../../functions/search/analysis.js';

describe('fold', () => {
  it('drops accents and case, and spells out ligatures', () => {
    expect(fold('Zürich')).toBe('zurich');
    expect(fold('Straße')).toBe('strasse');
    expect(fold('CONNEXIÓN réseau')).toBe('connexion reseau');
    expect(fold('Œuvre Ærø')).toBe('oeuvre aero');
  });
});

describe('tokenize', () => {
  it('keeps ticket ids and email addresses whole and lower-cased, and splits the rest into words', () => {
    expect(tokenize('See INC-000123, mail Ann.Lee@Example.com. VPN down!')).toEqual([
      { kind: 'word', text: 'see' },
      { kind: 'exact', text: 'inc-000123' },
      { kind: 'word', text: 'mail' },
      { kind: 'exact', text: 'ann.lee@example.com' },
      { kind: 'word', text: 'vpn' },
      { kind: 'word', text: 'down' },
    ]);
  });

  it('does not index the parts of an exact token as words', () => {
    const words = tokenize('ann@example.com').map((t) => t.text);
    expect(words).toEqual(['ann@example.com']);
  });

  it('drops overlong tokens (hashes, base64)', () => {
    expect(tokenize(`${'a'.repeat(65)} ok`)).toEqual([{ kind: 'word', text: 'ok' }]);
  });
});

describe('termsOf', () => {
  it('stems a word in English, German and French; its distinct stems are its terms', () => {
    expect(termsOf({ kind: 'word', text: 'timeouts' })).toEqual(['timeout']);
    expect(termsOf({ kind: 'word', text: 'connexions' })).toEqual(expect.arrayContaining(['connexion']));
    expect(termsOf({ kind: 'word', text: 'connexion' })).toEqual(['connexion']);
    expect(termsOf({ kind: 'word', text: 'druckers' })).toContain('druck');
  });

  it('never stems exact tokens or numbers', () => {
    expect(termsOf({ kind: 'exact', text: 'inc-000123' })).toEqual(['inc-000123']);
    expect(termsOf({ kind: 'word', text: '2026' })).toEqual(['2026']);
  });
});

describe('analyze', () => {
  it('counts term frequencies without stop words, in any of the three languages', () => {
    const { terms, length } = analyze('The VPN times out; der VPN-Zugang und la connexion');
    expect(terms.get('vpn')).toBe(2);
    expect(terms.has('the')).toBe(false);
    expect(terms.has('der')).toBe(false);
    expect(terms.has('la')).toBe(false);
    expect(terms.get('connexion')).toBe(1);
    expect(length).toBe(5); // vpn times vpn zugang connexion (`out` is a stop word)
  });

  it('matches "connexion" and "connexions", "Zürich" and "zurich" through shared terms', () => {
    const doc = analyze('Plusieurs connexions perdues à Zürich').terms;
    const query = analyzeQuery('connexion zurich');
    expect(query.ok).toBe(true);
    if (!query.ok) return;
    for (const word of query.terms) expect(word.variants.some((term) => doc.has(term))).toBe(true);
    const plural = analyzeQuery('connexions');
    if (!plural.ok) throw new Error('expected a query');
    expect(plural.terms[0]!.variants.some((t) => analyze('une connexion').terms.has(t))).toBe(true);
  });
});

describe('analyzeQuery', () => {
  it('ANDs distinct words, each with its stems', () => {
    const query = analyzeQuery('VPN timeout vpn');
    expect(query).toEqual({
      ok: true,
      terms: [
        { word: 'vpn', variants: ['vpn'] },
        { word: 'timeout', variants: ['timeout'] },
      ],
    });
  });

  it('refuses a query of only stop words, one over 200 characters, and one of more than 8 words', () => {
    expect(analyzeQuery('the and der le')).toMatchObject({
      ok: false,
      message: expect.stringContaining('stop word'),
    });
    expect(analyzeQuery('a'.repeat(MAX_QUERY_LENGTH + 1))).toMatchObject({
      ok: false,
      message: 'must be at most 200 characters',
    });
    expect(analyzeQuery('one two three four five six seven eight nine')).toMatchObject({
      ok: false,
      message: expect.stringContaining('at most 8'),
    });
    expect(analyzeQuery('vpn '.repeat(MAX_QUERY_LENGTH / 4)).ok).toBe(true);
  });
});

describe('stop words', () => {
  it('knows the common articles and conjunctions of each language', () => {
    for (const q of ['the and of', 'der die das und', 'le la les et des']) {
      expect(analyzeQuery(q).ok, q).toBe(false);
    }
  });
});
