import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT, required } from '../shared/wiring/environment.js';
import { readVisibleTicket } from '../tickets/access.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { createAttachmentsHandler } from './http/handler.js';
import { AttachmentService } from './service.js';
import { DynamoAttachmentRepository } from './store/dynamodb-attachment-store.js';
import type { AttachmentDeps } from './store/object-store.js';

/** Attachments: the only function with the bucket (and the only one that bundles the S3 client). */
export const ATTACHMENTS_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  ATTACHMENTS_BUCKET: required(),
});

export function assembleAttachments(deps: HttpDeps & AttachmentDeps): HttpHandler {
  const tickets = ticketStore(deps);
  const attachments = new AttachmentService({
    visibleTicket: (caller, id) => readVisibleTicket(tickets, caller, id),
    store: new DynamoAttachmentRepository(deps.dynamo, deps.tableName),
    objects: deps.attachmentObjects,
    clock: deps.clock,
    newId: idsOn(deps.clock),
  });
  return createAttachmentsHandler(attachments, tableApi(deps));
}
