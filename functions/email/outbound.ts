import type { Comment, Ticket } from '../tickets/model.js';
import type { OutboundMail } from './mail/mail-sender.js';
import { singleLine } from './outbound-headers.js';
import { REPLY_ABOVE_MARKER } from './reply-trim.js';
import { type EmailSettings, supportAddress } from './settings.js';

/**
 * The mail Opsdesk sends about a ticket (docs/email.md#outbound-mail): the ticket id in the subject, a Message-ID of
 * ours derived from the event it answers (a redelivered event produces the very same mail, which
 * mail clients then show once), In-Reply-To the last mail we received on the ticket, References
 * with the ticket's root id first, and `Auto-Submitted: auto-replied` on automatic mail.
 */
export type NotificationKind = 'acknowledgement' | 'agent-comment' | 'resolution';

/** Acknowledgements and resolution notices are automatic; an agent's comment is a person writing. */
export function isAutomatic(kind: NotificationKind): boolean {
  return kind !== 'agent-comment';
}

/** Every mail about a ticket references this id, so replies thread even when the client drops In-Reply-To. */
export function ticketRootMessageId(ticketId: string, domain: string): string {
  return `<ticket.${ticketId}@${domain}>`;
}

export function notificationMessageId(eventId: string, ticketId: string, domain: string): string {
  return `<opsdesk.${eventId}.${ticketId}@${domain}>`;
}

/** RT's rule: at most 10 references, the first 4 and the last 6. */
export function boundedReferences(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.length <= 10 ? unique : [...unique.slice(0, 4), ...unique.slice(-6)];
}

export interface ThreadState {
  /** The mail that opened the ticket and the latest one we received (In-Reply-To of our next mail). */
  readonly lastInboundMessageId: string | undefined;
  /** Message-IDs of the conversation so far, oldest first. */
  readonly messageIds: readonly string[];
}

export interface NotificationInput {
  readonly kind: NotificationKind;
  readonly eventId: string;
  readonly ticket: Pick<Ticket, 'id' | 'title' | 'requester' | 'resolution'>;
  readonly comment?: Pick<Comment, 'body' | 'author'>;
  readonly thread: ThreadState;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly settings: EmailSettings;
}

export function composeNotification(input: NotificationInput): OutboundMail {
  const { ticket, settings, kind } = input;
  const root = ticketRootMessageId(ticket.id, settings.domain);
  const messageId = notificationMessageId(input.eventId, ticket.id, settings.domain);
  const inReplyTo = input.thread.lastInboundMessageId;
  const automatic = isAutomatic(kind);
  return {
    to: input.to,
    ...(input.cc && input.cc.length > 0 ? { cc: input.cc } : {}),
    subject: subjectFor(kind, ticket),
    text: bodyFor(input),
    messageId,
    ...(inReplyTo ? { inReplyTo } : {}),
    references: boundedReferences([root, ...input.thread.messageIds, ...(inReplyTo ? [inReplyTo] : [])]),
    automatic,
    headers: {
      'X-Opsdesk-Ticket': ticket.id,
      // Our own loop marker: a mail carrying it that comes back in is dropped (classify.ts).
      'X-Loop': supportAddress(settings),
      ...(automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {}),
    },
  };
}

/**
 * The subject, on one line whatever the stored title holds (titles stored before the API refused
 * control characters may carry CR/LF); the mail sender encodes it again (outbound-headers.ts).
 */
function subjectFor(kind: NotificationKind, ticket: Pick<Ticket, 'id' | 'title'>): string {
  const title = Array.from(singleLine(ticket.title)).slice(0, 180).join('');
  switch (kind) {
    case 'acknowledgement':
      return `[${ticket.id}] ${title}`;
    case 'agent-comment':
      return `Re: [${ticket.id}] ${title}`;
    case 'resolution':
      return `[${ticket.id}] Resolved: ${title}`;
  }
}

function greeting(name: string | null): string {
  return name ? `Hello ${name},` : 'Hello,';
}

/**
 * The body: plain text only (the sender sends a single text/plain part, never HTML), so titles,
 * descriptions and comments go in as written and no markup in them is ever active.
 */
function bodyFor(input: NotificationInput): string {
  const { ticket } = input;
  const title = singleLine(ticket.title);
  const lines: string[] = [REPLY_ABOVE_MARKER, ''];
  switch (input.kind) {
    case 'acknowledgement':
      lines.push(
        greeting(ticket.requester.name),
        '',
        `we have received your message and opened ticket ${ticket.id}: "${title}".`,
        'Reply to this mail to add information; keep the ticket id in the subject.',
      );
      break;
    case 'agent-comment':
      lines.push(
        `${input.comment?.author.name ?? 'The service desk'} wrote on ${ticket.id}:`,
        '',
        input.comment?.body ?? '',
      );
      break;
    case 'resolution':
      lines.push(
        greeting(ticket.requester.name),
        '',
        `ticket ${ticket.id} ("${title}") has been resolved.`,
        ...(ticket.resolution
          ? ['', `Resolution (${ticket.resolution.code}):`, ticket.resolution.notes]
          : []),
        '',
        'If the problem persists, reply to this mail.',
      );
      break;
  }
  lines.push('', '-- ', `Opsdesk service desk <${supportAddress(input.settings)}>`);
  return lines.join('\n');
}
