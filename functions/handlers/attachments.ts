import { DynamoAttachmentRepository } from '../adapters/dynamodb/attachment-repository.js';
import { AttachmentService } from '../domain/attachments/service.js';
import type { Caller } from '../domain/authz.js';
import type { Ticket } from '../domain/tickets/model.js';
import { CONTRACT } from '../http/contract.js';
import { type Operation, operation } from '../http/operation.js';
import type { AppDeps } from '../wiring/deps.js';

/**
 * SPEC §4 attachments, served by the tickets function (they share its access rules): announce a
 * file and get a presigned upload URL; list a ticket's files with presigned download URLs.
 */
export function attachmentOperations(
  deps: AppDeps,
  visibleTicket: (caller: Caller, ticketId: string) => Promise<Ticket>,
  newId: () => string,
): Record<string, Operation> {
  const attachments = new AttachmentService({
    visibleTicket,
    store: new DynamoAttachmentRepository(deps.dynamo, deps.tableName),
    objects: deps.attachmentObjects,
    clock: deps.clock,
    newId,
  });
  return {
    'POST /tickets/{id}/attachments': operation({
      ...CONTRACT['POST /tickets/{id}/attachments'],
      handle: async ({ caller, params, body }) => {
        const grant = await attachments.requestUpload(caller, params.id!, body);
        return { status: 201, body: grant, headers: { location: `/tickets/${grant.ticketId}/attachments` } };
      },
    }),
    'GET /tickets/{id}/attachments': operation({
      ...CONTRACT['GET /tickets/{id}/attachments'],
      handle: async ({ caller, params }) => ({
        status: 200,
        body: { items: await attachments.list(caller, params.id!), nextCursor: null },
      }),
    }),
  };
}
