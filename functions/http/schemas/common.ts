import * as z from 'zod/mini';
import '../../zod-locale.js';

/** 64 KiB, SPEC §3's bound on descriptions and comment bodies (measured in UTF-8 bytes). */
export const MAX_TEXT_BYTES = 64 * 1024;

/**
 * A copy of `schema` carrying `meta` (an OpenAPI component id, a description), as classic zod's
 * `.meta()` and `.describe()` do: the copy inherits the original's metadata except its id, and the
 * original, which other fields may share, stays as it was.
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, meta);
  return copy;
}

/** `withMeta(schema, { description })`. */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  return withMeta(schema, { description });
}

export const longText = z.string().check(
  z.refine((text) => Buffer.byteLength(text, 'utf8') <= MAX_TEXT_BYTES, {
    message: 'must be at most 64 KiB (UTF-8)',
  }),
);

/** Identifiers callers choose (user ids from the IdP, CI ids, categories): printable, bounded. */
export const identifier = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  z.refine((value) => !/[\s\p{Cc}]/u.test(value), {
    message: 'must be 1–128 printable characters without spaces',
  }),
);

export const groupId = z.string().check(
  z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: 'must be lowercase letters, digits and hyphens (max 63)',
  }),
);

export const isoTime = z.iso.datetime({ offset: false, precision: 3 });

export const pageQuery = {
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

/** The query of a list that takes no filters. */
export const pageOnlyQuery = z.strictObject(pageQuery);

export const problemSchema = withMeta(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  { id: 'Problem' },
);

export function pageOf<T extends z.ZodMiniType>(item: T, id: string) {
  return withMeta(z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) }), { id });
}

/** Someone a record is raised for (agents on behalf of a requester): id required, contact optional. */
export const personInput = z.strictObject({
  id: identifier,
  email: z.optional(z.nullable(z.email())),
  name: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
});
