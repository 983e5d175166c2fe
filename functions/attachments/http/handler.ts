import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import type { AttachmentService } from '../service.js';
import { ATTACHMENTS_CONTRACT as CONTRACT } from './contract.js';

/**
 * Attachments (docs/email.md#attachments-api): announce a file and get a presigned upload URL; list a ticket's files with
 * presigned download URLs. A function of its own so that only it bundles and initialises the S3
 * client; it applies the tickets' access rules through the same domain check.
 */
export function createAttachmentsHandler(attachments: AttachmentService, api: ApiBuilder): HttpHandler {
  return api({
    'POST /tickets/{id}/attachments': operation({
      ...CONTRACT['POST /tickets/{id}/attachments'],
      handle: async ({ caller, params, body }) => {
        const grant = await attachments.requestUpload(caller, params.id!, body);
        return {
          status: 201,
          body: grant,
          headers: { location: `/tickets/${grant.ticketId}/attachments` },
        };
      },
    }),
    'GET /tickets/{id}/attachments': operation({
      ...CONTRACT['GET /tickets/{id}/attachments'],
      handle: async ({ caller, params }) => ({
        status: 200,
        body: { items: await attachments.list(caller, params.id!), nextCursor: null },
      }),
    }),
  });
}
