import * as z from 'zod/mini';
import { described, isoTime, withMeta } from '../../shared/http/schemas.js';
import { isSingleLine } from '../../shared/http/text.js';

/** Largest file an upload may announce: generous for screenshots and logs, bounded for the bucket. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

const filename = z.string().check(
  z.minLength(1),
  z.maxLength(200),
  z.refine((name) => isSingleLine(name) && !/[\\/]/.test(name) && name !== '.' && name !== '..', {
    message: 'must be a file name without path separators or control characters',
  }),
);

/** A bare media type (`image/png`); parameters are not part of what is signed. */
const contentType = z.string().check(
  z.maxLength(255),
  z.regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, {
    message: 'must be a media type such as image/png',
  }),
);

export const createAttachmentBody = withMeta(
  z.strictObject({
    filename,
    contentType,
    size: described(z.int().check(z.gte(1), z.lte(MAX_UPLOAD_BYTES)), `bytes, at most ${MAX_UPLOAD_BYTES}`),
  }),
  {
    id: 'CreateAttachment',
    examples: [{ filename: 'screenshot.png', contentType: 'image/png', size: 48213 }],
  },
);

const attachmentFields = {
  id: z.string(),
  ticketId: z.string(),
  commentId: described(z.nullable(z.string()), 'the comment the file came with (email); null otherwise'),
  filename: z.string(),
  contentType: z.string(),
  size: z.int(),
  inline: described(z.boolean(), 'an inline image of a mail (`cid:`)'),
  contentId: z.nullable(z.string()),
  source: z.enum(['email', 'upload']),
  internal: described(z.boolean(), 'came with an internal note; never shown to requesters'),
  createdAt: isoTime,
  createdBy: z.object({ id: z.string(), name: z.nullable(z.string()) }),
};

export const uploadGrantSchema = withMeta(
  z.object({
    ...attachmentFields,
    uploadUrl: described(z.url(), 'PUT the file here, with exactly the uploadHeaders'),
    uploadHeaders: z.record(z.string(), z.string()),
    expiresAt: isoTime,
  }),
  { id: 'AttachmentUpload' },
);

export const attachmentSchema = withMeta(
  z.object({
    ...attachmentFields,
    available: described(z.boolean(), 'false until an announced upload has arrived'),
    downloadUrl: described(z.nullable(z.url()), 'a short-lived presigned download URL'),
    downloadExpiresAt: z.nullable(isoTime),
  }),
  { id: 'Attachment' },
);

export const attachmentList = withMeta(z.object({ items: z.array(attachmentSchema), nextCursor: z.null() }), {
  id: 'AttachmentList',
});
