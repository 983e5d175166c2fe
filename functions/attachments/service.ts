import { type Caller, canReadAllTickets, isStaff } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, ForbiddenError } from '../shared/errors.js';
import { isRequesterOf } from '../tickets/access.js';
import { isFinal } from '../tickets/lifecycle.js';
import type { Ticket } from '../tickets/model.js';
import { type AttachmentRecord, attachmentObjectKey } from './model.js';
import type { AttachmentStore } from './store/attachment-store.js';
import type { ObjectStore } from './store/object-store.js';

/**
 * Attachments (docs/email.md#attachments-api): a caller who may comment on a ticket may attach a file to it. The API never
 * carries the bytes: it answers with a presigned upload URL (signed for that key, content type
 * and length, for 15 minutes), and lists files with presigned download URLs (5 minutes). Who may
 * see a ticket is decided by the ticket service (404 otherwise); requesters do not see files that
 * came with internal notes.
 */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;
/** Listed per ticket; a ticket with more files than this is beyond any service desk's practice. */
export const MAX_LISTED = 200;

export interface UploadRequest {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/**
 * An attachment as callers see it: the record without its storage key. The key stays internal (a
 * client reaches the bytes only through the presigned URLs), so it is never part of a response.
 */
export type AttachmentInfo = Omit<AttachmentRecord, 'objectKey'>;

export interface UploadGrant extends AttachmentInfo {
  readonly uploadUrl: string;
  /** Send these with the PUT exactly: they are part of the signature. */
  readonly uploadHeaders: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

export interface AttachmentView extends AttachmentInfo {
  /** False while an announced upload has not arrived. */
  readonly available: boolean;
  readonly downloadUrl: string | null;
  readonly downloadExpiresAt: string | null;
}

export interface AttachmentServiceDeps {
  /** The ticket the caller may see (throws NotFoundError otherwise). */
  readonly visibleTicket: (caller: Caller, ticketId: string) => Promise<Ticket>;
  readonly store: AttachmentStore;
  readonly objects: ObjectStore;
  readonly clock: Clock;
  readonly newId: () => string;
}

export class AttachmentService {
  constructor(private readonly deps: AttachmentServiceDeps) {}

  async requestUpload(caller: Caller, ticketId: string, input: UploadRequest): Promise<UploadGrant> {
    const ticket = await this.deps.visibleTicket(caller, ticketId);
    const staff = isStaff(caller);
    if (!staff && !isRequesterOf(ticket, caller)) {
      throw new ForbiddenError('only agents, admins and the requester may attach files');
    }
    if (!staff && isFinal(ticket.status)) {
      // (`ticketStatus`, not `status`: problem extensions must not overwrite the problem's own status.)
      throw new ConflictError(`ticket ${ticket.id} is ${ticket.status}; open a new ticket instead`, {
        code: 'ticket_closed',
        ticketStatus: ticket.status,
      });
    }
    const id = this.deps.newId();
    const record: AttachmentRecord = {
      id,
      ticketId: ticket.id,
      commentId: null,
      filename: input.filename,
      contentType: input.contentType,
      size: input.size,
      inline: false,
      contentId: null,
      source: 'upload',
      internal: false,
      objectKey: attachmentObjectKey(ticket.id, id),
      createdAt: this.deps.clock.now().toISOString(),
      createdBy: { id: caller.id, name: caller.name },
    };
    const upload = await this.deps.objects.presignUpload(record.objectKey, {
      contentType: input.contentType,
      size: input.size,
      expiresInSeconds: UPLOAD_URL_SECONDS,
    });
    await this.deps.store.put(record);
    return {
      ...infoOf(record),
      uploadUrl: upload.url,
      uploadHeaders: upload.headers,
      expiresAt: upload.expiresAt,
    };
  }

  async list(caller: Caller, ticketId: string): Promise<AttachmentView[]> {
    const ticket = await this.deps.visibleTicket(caller, ticketId);
    const records = await this.deps.store.list(ticket.id, MAX_LISTED);
    const visible = canReadAllTickets(caller) ? records : records.filter((record) => !record.internal);
    return Promise.all(visible.map((record) => this.view(record)));
  }

  private async view(record: AttachmentRecord): Promise<AttachmentView> {
    // Uploads are announced before they happen; mail attachments are stored before their record.
    const available =
      record.source === 'email' || (await this.deps.objects.head(record.objectKey)) !== undefined;
    if (!available) return { ...infoOf(record), available, downloadUrl: null, downloadExpiresAt: null };
    const download = await this.deps.objects.presignDownload(record.objectKey, {
      filename: record.filename,
      contentType: record.contentType,
      expiresInSeconds: DOWNLOAD_URL_SECONDS,
    });
    return {
      ...infoOf(record),
      available,
      downloadUrl: download.url,
      downloadExpiresAt: download.expiresAt,
    };
  }
}

/** The caller's view of a record, field by field: whatever else a stored item holds stays inside. */
function infoOf(record: AttachmentRecord): AttachmentInfo {
  return {
    id: record.id,
    ticketId: record.ticketId,
    commentId: record.commentId,
    filename: record.filename,
    contentType: record.contentType,
    size: record.size,
    inline: record.inline,
    contentId: record.contentId,
    source: record.source,
    internal: record.internal,
    createdAt: record.createdAt,
    createdBy: { id: record.createdBy.id, name: record.createdBy.name },
  };
}
