import type { AttachmentRecord } from '../../attachments/model.js';
import type { Page, PageRequest } from '../../shared/store.js';
import type { Comment } from '../../tickets/model.js';
import type { CommitCompanion } from '../../tickets/store/ticket-store.js';

/**
 * What the mail gateway needs from storage, as interfaces (DynamoDB adapters in
 * functions/email/store/mail-*.ts and message-id-index.ts; in-memory ones in in-memory-*.ts, held
 * to the same contract suites in test/email/store). Every item is a plain item of the single
 * table; none needs an index of its own.
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
  /** Stores the thread as given (replacing any), its Message-IDs bounded by `boundedThreadIds`. */
  put(thread: MailThread): Promise<void>;
  /** Adds an inbound Message-ID to an existing thread (or starts one). */
  addInbound(ticketId: string, messageId: string, now: Date): Promise<void>;
}

/** The root and the latest Message-IDs are what threading needs; the middle of a long thread is dropped. */
const KEEP_FIRST = 3;
const KEEP_LAST = 20;

/** A thread's Message-IDs as every MailThreadStore keeps them: unique, the first 3 and the last 20. */
export function boundedThreadIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.length <= KEEP_FIRST + KEEP_LAST
    ? unique
    : [...unique.slice(0, KEEP_FIRST), ...unique.slice(-KEEP_LAST)];
}

/** A person the gateway (or the tickets API, from a verified token) has seen, by address (`PERSON#<address>`). */
export interface DirectoryEntry {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  /** Learned from their public comments on others' tickets (only staff can write those). */
  readonly staff: boolean;
}

export interface PersonDirectory {
  find(address: string): Promise<DirectoryEntry | undefined>;
  /**
   * The entry for this address, created on first sight with the person id of the address
   * (functions/shared/people.ts `personIdOf`); an entry already there is returned as it is.
   */
  firstSight(address: string, name: string | null, now: Date): Promise<DirectoryEntry>;
  /**
   * Records that this address belongs to a staff member with this user id: the id replaces the one
   * first sight gave (their mail is then written as them); a name already recorded is kept, even a
   * null one.
   */
  learnStaff(person: { id: string; email: string; name: string | null }, now: Date): Promise<void>;
}

/** A mail that opened no ticket and became no comment: refused, dropped, quarantined or a duplicate, with why. */
export interface MailRecord {
  readonly at: string;
  readonly objectKey: string;
  readonly messageId: string | undefined;
  readonly from: string | undefined;
  readonly subject: string | undefined;
  /** `duplicate`: a Message-ID delivered again after it was processed (the first outcome is `reason`). */
  readonly outcome: 'dropped' | 'refused' | 'quarantined' | 'duplicate';
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
  /** Takes a slot in the recipient's window for a mail sent `now`, if one is free. */
  admit(recipient: string, now: Date, limitPerHour: number): Promise<boolean>;
  /**
   * Gives back the slot `admit` took at `now` (one of them, if several share that instant) for a
   * mail that was not sent: a failed send must not count. Nothing if it is no longer in the window.
   */
  release(recipient: string, now: Date): Promise<void>;
}

/** Reads one comment by its key parts (the event carries the id; its time is the comment's). */
export interface CommentReader {
  get(ticketId: string, createdAt: string, commentId: string): Promise<Comment | undefined>;
}

/** The claim this delivery holds on a Message-ID: a write on it is conditional on this lease. */
export interface HeldClaim {
  readonly messageId: string;
  readonly leaseUntil: string;
}

/**
 * What one mail adds to its ticket's or comment's commit (docs/email.md#exactly-once): the note
 * on its claim (what is being written), its thread record, a sender seen for the first time, and
 * the records of the files it brought.
 */
export interface MailWrites {
  readonly claim: HeldClaim;
  readonly pending: PendingWrite;
  readonly thread?:
    | { readonly kind: 'open'; readonly thread: MailThread }
    /** An inbound Message-ID added to the ticket's thread; `seen` is the thread as last read (absent: none). */
    | {
        readonly kind: 'inbound';
        readonly ticketId: string;
        readonly messageId: string;
        readonly at: string;
        readonly seen: MailThread | undefined;
      };
  /** A sender the directory did not know (their address as id), added unless someone was faster. */
  readonly person?: { readonly entry: DirectoryEntry; readonly at: string };
  readonly attachments: readonly AttachmentRecord[];
}

/** An automatic notice to a mail's sender, published through the outbox (the notifier mails it). */
export interface SenderNotice {
  /** Stable per message: the event id, so the notifier's ledger sends it once. */
  readonly id: string;
  readonly kind: 'too-large';
  readonly to: string;
  readonly at: string;
  /** What the notice says about the mail: its subject, Message-ID, size and the limit. */
  readonly detail: {
    readonly subject: string;
    readonly inReplyTo: string | null;
    readonly size: number;
    readonly limit: number;
  };
}

/**
 * Writes of the mail gateway that must land together (docs/email.md#exactly-once). A store that
 * cannot join them to a ticket commit answers no companion; the ingest then writes the parts
 * apart, in the order that keeps a retry safe.
 */
export interface MailTransactions {
  /** `writes` as a companion a ticket store of the same kind carries in its commit's transaction. */
  companion(writes: MailWrites): CommitCompanion | undefined;
  /**
   * A mail that ends without a ticket or comment: its record, its claim marked done and, when
   * given, the outbox entry of a notice to its sender, in one transaction. Throws ClaimLostError
   * when the claim is no longer this delivery's.
   */
  settle(claim: HeldClaim, outcome: InboundOutcome, record: MailRecord, notice?: SenderNotice): Promise<void>;
}

/** Mail records, newest first, as the operators' route reads them (one index partition per page). */
export interface MailRecordQuery {
  find(filter: MailRecordFilter, page: PageRequest): Promise<Page<MailRecord>>;
}

export interface MailRecordFilter {
  readonly outcome?: MailRecord['outcome'];
  /** The sender's address (compared normalised). */
  readonly sender?: string;
}
