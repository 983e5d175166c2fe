/**
 * The API reports field paths dotted (`form.address.zip`, `tags.0`), as the zod-validated routes do,
 * never as JSON Pointers; these helpers translate Ajv's pointers into that spelling.
 */

/** `base` followed by each segment, dot-separated; an empty base adds no leading dot. */
export function joinPath(base: string, ...segments: readonly (string | number)[]): string {
  return [base, ...segments.map(String)].filter((part) => part !== '').join('.');
}

/**
 * The unescaped segments of a JSON Pointer (`/a~1b/0` → `['a/b', '0']`). In its URI-fragment form
 * (`#/a%20b`, how Ajv names schema locations) segments are also percent-decoded.
 */
export function pointerSegments(pointer: string): string[] {
  const fragment = pointer.startsWith('#');
  const body = fragment ? pointer.slice(1) : pointer;
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((segment) => (fragment ? percentDecoded(segment) : segment))
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function percentDecoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
