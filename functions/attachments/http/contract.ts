import type { RouteContract } from '../../shared/http/route-contract.js';
import { attachmentList, createAttachmentBody, uploadGrantSchema } from './schemas.js';

/** Ticket attachments (the attachments function). */
export const ATTACHMENTS_CONTRACT = {
  'POST /tickets/{id}/attachments': {
    summary: 'Announce a file and get a presigned upload URL for it',
    description:
      'Announces a file for the ticket and answers a presigned `uploadUrl`: PUT the file there with exactly `uploadHeaders` before `expiresAt`. Whoever may comment publicly on the ticket may attach (its requester, agents and admins); a closed or cancelled ticket refuses its requester (409 `ticket_closed`). The file is listed with `available: false` until the upload has arrived.',
    body: createAttachmentBody,
    success: { status: 201, schema: uploadGrantSchema, headers: ['Location'] },
    errors: [404, 409, 422],
  },
  'GET /tickets/{id}/attachments': {
    summary: "A ticket's files, with presigned download URLs",
    description:
      "The ticket's files, uploaded or received by mail, each with a short-lived presigned `downloadUrl` once it is available. Whoever may read the ticket; requesters never see files that came with an internal note.",
    success: { status: 200, schema: attachmentList },
    errors: [404],
  },
} as const satisfies Record<string, RouteContract>;
