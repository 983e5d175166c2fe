/** Message-IDs (RFC 5322 msg-id): `<left@right>`, compared as written apart from surrounding space. */

const MAX_MESSAGE_ID = 500;
/** References keep the root and the latest ids; a long thread's middle adds nothing to threading. */
const MAX_REFERENCES = 50;

/** `<…>` from a header value; a bare `left@right` (some mailers omit the brackets) is bracketed. */
export function normaliseMessageId(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  if (bracketed) return bracketed[0].length <= MAX_MESSAGE_ID ? bracketed[0] : undefined;
  const bare = value.trim();
  if (/^[^<>\s]+@[^<>\s]+$/.test(bare) && bare.length + 2 <= MAX_MESSAGE_ID) return `<${bare}>`;
  return undefined;
}

/** Every `<…>` in a References or In-Reply-To value, in order, bounded (first 5 and last 45 kept). */
export function messageIdList(value: string | undefined | null): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(/<[^<>\s]+>/g)]
    .map((match) => match[0])
    .filter((id) => id.length <= MAX_MESSAGE_ID);
  if (ids.length <= MAX_REFERENCES) return ids;
  return [...ids.slice(0, 5), ...ids.slice(-(MAX_REFERENCES - 5))];
}

/** The domain part of a Message-ID (`<x@opsdesk.example.com>` → `opsdesk.example.com`). */
export function messageIdDomain(messageId: string): string {
  const inner = messageId.replace(/^<|>$/g, '');
  const at = inner.lastIndexOf('@');
  return at < 0 ? '' : inner.slice(at + 1).toLowerCase();
}
