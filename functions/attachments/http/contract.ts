import type { RouteContract } from '../../shared/http/route-contract.js';
import { attachmentList, createAttachmentBody, uploadGrantSchema } from './schemas.js';

/** Ticket attachments (the attachments function). */
export const ATTACHMENTS_CONTRACT = {
  'POST /tickets/{id}/attachments': {
    summary: 'Announce a file and get a presigned upload URL for it',
    body: createAttachmentBody,
    success: { status: 201, schema: uploadGrantSchema, headers: ['Location'] },
    errors: [404, 409, 422],
  },
  'GET /tickets/{id}/attachments': {
    summary: "A ticket's files, with presigned download URLs",
    success: { status: 200, schema: attachmentList },
    errors: [404],
  },
} as const satisfies Record<string, RouteContract>;
