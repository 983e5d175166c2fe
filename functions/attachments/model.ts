/**
 * Files on a ticket: uploaded through the API (docs/email.md#attachments-api, presigned upload) or received with a mail
 * (attachments and inline images). The bytes live in the attachments bucket; this record, under
 * the ticket, says what they are. A comment's `attachments` lists the ones that came with it.
 */
export interface AttachmentRecord {
  readonly id: string;
  readonly ticketId: string;
  /** The comment the file came with; null for the ticket's opening mail or an API upload. */
  readonly commentId: string | null;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** Shown inside the mail (a `cid:` image) rather than attached to it. */
  readonly inline: boolean;
  readonly contentId: string | null;
  readonly source: 'email' | 'upload';
  /** Came with an internal note: requesters never see it (docs/email.md#attachments-api). */
  readonly internal: boolean;
  readonly objectKey: string;
  readonly createdAt: string;
  readonly createdBy: { readonly id: string; readonly name: string | null };
}

/** What a comment carries about each of its files (the download URL comes from the attachments route). */
export interface AttachmentSummary {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly inline: boolean;
}

export function summaryOf(
  record: Pick<AttachmentRecord, 'id' | 'filename' | 'contentType' | 'size' | 'inline'>,
): AttachmentSummary {
  return {
    id: record.id,
    filename: record.filename,
    contentType: record.contentType,
    size: record.size,
    inline: record.inline,
  };
}

/** Object key of an attachment: by id, never by the sender's file name (which only goes into headers). */
export function attachmentObjectKey(ticketId: string, id: string): string {
  return `tickets/${ticketId}/${id}`;
}
