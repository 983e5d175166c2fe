import { compareKeys } from '../../shared/memory/in-memory-support.js';
import type { AttachmentRecord } from '../model.js';
import type { AttachmentStore } from './attachment-store.js';

/**
 * Attachment records in memory, with DynamoAttachmentRepository's semantics (the contract suite
 * in test/attachments/store checks both): a put replaces the record under its ticket and id; a
 * list reads the first `limit` records in key order (`ATTACHMENT#<id>`, so by id) and returns
 * those oldest first. Records are stored and returned as copies, as a table would.
 */
export class InMemoryAttachmentStore implements AttachmentStore {
  private readonly tickets = new Map<string, Map<string, AttachmentRecord>>();

  async put(record: AttachmentRecord): Promise<void> {
    let files = this.tickets.get(record.ticketId);
    if (!files) {
      files = new Map();
      this.tickets.set(record.ticketId, files);
    }
    files.set(record.id, stored(record));
  }

  async get(ticketId: string, id: string): Promise<AttachmentRecord | undefined> {
    const record = this.tickets.get(ticketId)?.get(id);
    return record && stored(record);
  }

  async list(ticketId: string, limit: number): Promise<AttachmentRecord[]> {
    // DynamoDB refuses a Query Limit below 1.
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, not ${limit}`);
    return [...(this.tickets.get(ticketId)?.values() ?? [])]
      .sort((a, b) => compareKeys(a.id, b.id))
      .slice(0, limit)
      .map(stored)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}

/** A copy as the table would hold it: plain data, `undefined` members dropped. */
function stored(record: AttachmentRecord): AttachmentRecord {
  return JSON.parse(JSON.stringify(record)) as AttachmentRecord;
}
