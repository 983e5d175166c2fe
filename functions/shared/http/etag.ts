import { ValidationError } from '../errors.js';

/** Strong ETag from a record's version: `"7"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header asks for; undefined when absent or `*` (any current version).
 * Weak tags are accepted since the version is the whole representation's identity.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) {
    throw new ValidationError([
      { path: 'If-Match', message: 'must be an ETag this API issued, such as "3"' },
    ]);
  }
  return Number(match[1]);
}
