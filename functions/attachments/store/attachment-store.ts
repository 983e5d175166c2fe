import type { AttachmentRecord } from '../model.js';

/**
 * The attachment records of tickets. Adapters: DynamoAttachmentRepository (the single table,
 * `TICKET#<id>` / `ATTACHMENT#<id>`) and InMemoryAttachmentStore; test/attachments/store holds the
 * contract both keep.
 */
export interface AttachmentStore {
  /** Idempotent: writing the same record again changes nothing. */
  put(record: AttachmentRecord): Promise<void>;
  get(ticketId: string, id: string): Promise<AttachmentRecord | undefined>;
  /** A ticket's attachments, oldest first (bounded). */
  list(ticketId: string, limit: number): Promise<AttachmentRecord[]>;
}
