import { monotonicFactory } from 'ulid';
import { operation } from '../../shared/http/operation.js';
import type { HttpHandler } from '../../shared/http/pipeline.js';
import { tableHttpApi } from '../../shared/http/table-api.js';
import type { AttachmentDeps, HttpDeps } from '../../shared/wiring/deps.js';
import { readVisibleTicket } from '../../tickets/access.js';
import { DynamoTicketRepository } from '../../tickets/store/dynamodb-ticket-store.js';
import { AttachmentService } from '../service.js';
import { DynamoAttachmentRepository } from '../store/dynamodb-attachment-store.js';
import { ATTACHMENTS_CONTRACT as CONTRACT } from './contract.js';

/**
 * SPEC §4 attachments: announce a file and get a presigned upload URL; list a ticket's files with
 * presigned download URLs. A function of its own so that only it bundles and initialises the S3
 * client; it applies the tickets' access rules through the same domain check.
 */
export function createAttachmentsHandler(deps: HttpDeps & AttachmentDeps): HttpHandler {
  const ulid = monotonicFactory();
  const tickets = new DynamoTicketRepository(deps.dynamo, deps.tableName);
  const attachments = new AttachmentService({
    visibleTicket: (caller, id) => readVisibleTicket(tickets, caller, id),
    store: new DynamoAttachmentRepository(deps.dynamo, deps.tableName),
    objects: deps.attachmentObjects,
    clock: deps.clock,
    newId: () => ulid(deps.clock.now().getTime()),
  });
  return tableHttpApi(
    {
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
    },
    deps,
  );
}
