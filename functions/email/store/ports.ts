/**
 * What the mail gateway needs from storage, as interfaces (DynamoDB adapters in
 * functions/email/store/mail-*.ts and message-id-index.ts). Every item is a plain item of the
 * single table; none needs an index of its own.
 */

/** A ticket or comment this ingest is about to commit, noted first so a retry can tell whether it landed. */
export interface PendingWrite {
  readonly ticketId: string;
  readonly created: boolean;
  readonly comment?: { readonly createdAt: string; readonly id: string };
}

/** What became of an inbound message (kept on its Message-ID item). */
export interface InboundOutcome {
  readonly outcome: 'ticket' | 'comment' | 'note' | 'dropped' | 'refused' | 'quarantined';
  readonly ticketId?: string;
  readonly commentId?: string;
  readonly reason?: string;
}

export type ClaimResult =
  /** First delivery: go ahead. */
  | { readonly status: 'claimed' }
  /** Already processed: the same Message-ID delivered again. */
  | { readonly status: 'duplicate'; readonly outcome: InboundOutcome }
  /** Another delivery of this message is being processed right now: retry later. */
  | { readonly status: 'in-progress' }
  /** An earlier attempt died (lease expired, or it failed); `pending` is what it was about to write. */
  | { readonly status: 'resumed'; readonly pending: PendingWrite | undefined };

/**
 * Message-ID items (`MSGID#<id>`): the dedupe claim of each inbound message and the threading index
 * of every message a ticket has, ours and theirs.
 */
export interface MessageIndex {
  /** Conditional write: only one delivery of a Message-ID holds the lease at a time. */
  claim(messageId: string, now: Date, leaseMs: number): Promise<ClaimResult>;
  notePending(messageId: string, pending: PendingWrite): Promise<void>;
  /** Whether a pending write is in the table (the ticket exists, or the comment does). */
  landed(pending: PendingWrite): Promise<boolean>;
  complete(messageId: string, outcome: InboundOutcome, now: Date): Promise<void>;
  /** Gives the lease up after a failure, so a retry need not wait for it to expire. */
  release(messageId: string): Promise<void>;
  /** Ticket ids of the Message-IDs that belong to a ticket (inbound or outbound). */
  ticketsOf(messageIds: readonly string[]): Promise<Map<string, string>>;
  /** Records one of our outgoing Message-IDs as belonging to a ticket. */
  recordOutbound(messageId: string, ticketId: string, now: Date): Promise<void>;
}

/** Per-ticket mail state (`TICKET#<id>` / `MAILTHREAD`): who is involved and how to thread our replies. */
export interface MailThread {
  readonly ticketId: string;
  /** Normalised addresses of the To/Cc recipients of the opening mail (minus ours and the requester). */
  readonly participants: readonly string[];
  /** Message-IDs of the conversation, oldest first (bounded). */
  readonly messageIds: readonly string[];
  readonly lastInboundMessageId: string | undefined;
  /** Whether the opening mail may be acknowledged (human mail, not machine mail). */
  readonly acknowledge: boolean;
  readonly updatedAt: string;
}

export interface MailThreadStore {
  get(ticketId: string): Promise<MailThread | undefined>;
  put(thread: MailThread): Promise<void>;
  /** Adds an inbound Message-ID to an existing thread (or starts one). */
  addInbound(ticketId: string, messageId: string, now: Date): Promise<void>;
}

/** A person the gateway has seen, by address (`PERSON#<address>`). */
export interface DirectoryEntry {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  /** Learned from their public comments on others' tickets (only staff can write those). */
  readonly staff: boolean;
}

export interface PersonDirectory {
  find(address: string): Promise<DirectoryEntry | undefined>;
  /** The entry for this address, created on first sight with the address as the person's id. */
  firstSight(address: string, name: string | null, now: Date): Promise<DirectoryEntry>;
  /** Records that this address belongs to a staff member with this user id (first sight wins for the id). */
  learnStaff(person: { id: string; email: string; name: string | null }, now: Date): Promise<void>;
}

/** A mail that opened no ticket and became no comment: refused, dropped or quarantined, with why. */
export interface MailRecord {
  readonly at: string;
  readonly objectKey: string;
  readonly messageId: string | undefined;
  readonly from: string | undefined;
  readonly subject: string | undefined;
  readonly outcome: 'dropped' | 'refused' | 'quarantined';
  readonly reason: string;
  readonly classification?: { readonly kind: string; readonly reasons: readonly string[] };
}

export interface MailLog {
  record(entry: MailRecord): Promise<void>;
  /** Records of one UTC day, newest first (for operators and tests). */
  list(day: string, limit: number): Promise<MailRecord[]>;
}

/** One notification per domain event: a claim keyed by the event id (`NOTIFY#<eventId>`). */
export interface NotificationLedger {
  claim(eventId: string, now: Date, leaseMs: number): Promise<'claimed' | 'done' | 'in-progress'>;
  complete(eventId: string, outcome: string, now: Date): Promise<void>;
  release(eventId: string): Promise<void>;
}

/** The limit on automatic mail per recipient (docs/email.md#outbound-mail; send-window.ts decides, the store keeps the times). */
export interface SendLimiter {
  admit(recipient: string, now: Date, limitPerHour: number): Promise<boolean>;
}
