import * as z from 'zod';
import { isoTime } from './common.js';

/** Largest file an upload may announce: generous for screenshots and logs, bounded for the bucket. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

const filename = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !/[\\/\p{Cc}]/u.test(name) && name !== '.' && name !== '..', {
    message: 'must be a file name without path separators or control characters',
  });

/** A bare media type (`image/png`); parameters are not part of what is signed. */
const contentType = z
  .string()
  .max(255)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, {
    message: 'must be a media type such as image/png',
  });

export const createAttachmentBody = z
  .strictObject({
    filename,
    contentType,
    size: z.int().min(1).max(MAX_UPLOAD_BYTES).describe(`bytes, at most ${MAX_UPLOAD_BYTES}`),
  })
  .meta({ id: 'CreateAttachment' });

const attachmentFields = {
  id: z.string(),
  ticketId: z.string(),
  commentId: z.string().nullable().describe('the comment the file came with (email); null otherwise'),
  filename: z.string(),
  contentType: z.string(),
  size: z.int(),
  inline: z.boolean().describe('an inline image of a mail (`cid:`)'),
  contentId: z.string().nullable(),
  source: z.enum(['email', 'upload']),
  internal: z.boolean().describe('came with an internal note; never shown to requesters'),
  createdAt: isoTime,
  createdBy: z.object({ id: z.string(), name: z.string().nullable() }),
};

export const uploadGrantSchema = z
  .object({
    ...attachmentFields,
    uploadUrl: z.url().describe('PUT the file here, with exactly the uploadHeaders'),
    uploadHeaders: z.record(z.string(), z.string()),
    expiresAt: isoTime,
  })
  .meta({ id: 'AttachmentUpload' });

export const attachmentSchema = z
  .object({
    ...attachmentFields,
    available: z.boolean().describe('false until an announced upload has arrived'),
    downloadUrl: z.url().nullable().describe('a short-lived presigned download URL'),
    downloadExpiresAt: isoTime.nullable(),
  })
  .meta({ id: 'Attachment' });

export const attachmentList = z
  .object({ items: z.array(attachmentSchema), nextCursor: z.null() })
  .meta({ id: 'AttachmentList' });
