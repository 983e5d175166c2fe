import * as z from 'zod';

/** 64 KiB, SPEC §3's bound on descriptions and comment bodies (measured in UTF-8 bytes). */
export const MAX_TEXT_BYTES = 64 * 1024;

export const longText = z.string().refine((text) => Buffer.byteLength(text, 'utf8') <= MAX_TEXT_BYTES, {
  message: 'must be at most 64 KiB (UTF-8)',
});

/** Identifiers callers choose (user ids from the IdP, CI ids, categories): printable, bounded. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .refine((value) => !/[\s\p{Cc}]/u.test(value), {
    message: 'must be 1–128 printable characters without spaces',
  });

export const groupId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be lowercase letters, digits and hyphens (max 63)' });

export const isoTime = z.iso.datetime({ offset: false, precision: 3 });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
};

/** The query of a list that takes no filters. */
export const pageOnlyQuery = z.strictObject(pageQuery);

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
}

/** Someone a record is raised for (agents on behalf of a requester): id required, contact optional. */
export const personInput = z.strictObject({
  id: identifier,
  email: z.email().nullable().optional(),
  name: z.string().max(200).nullable().optional(),
});
