import type { ChangeStore } from '../changes/store/change-store.js';
import type { GroupStore } from '../groups/store/group-store.js';
import type { Clock } from '../shared/clock/clock.js';
import type { Comment, Ticket } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { acceptsAutomaticMail, normaliseAddress } from './address-forms.js';
import { MAIL_TOO_LARGE } from './constants.js';
import { EMAIL_GATEWAY, RetryLaterError } from './gateway.js';
import type { MailSender } from './mail/mail-sender.js';
import { composeNotification, isAutomatic, type NotificationKind } from './outbound.js';
import { tooLargeNoticeMail, tooLargeNoticeOf } from './sender-notices.js';
import { isListed } from './sender-policy.js';
import type { EmailSettings } from './settings.js';
import {
  type ApprovalNoticeKind,
  approvalNoticeGroups,
  approvalNoticeMail,
  approvalNoticeRecipients,
  isRequestApprovalNotice,
  lowRatingMail,
  lowRatingOf,
  type RequestApprovalNoticeKind,
  requestApprovalGroups,
  requestApprovalMail,
  slaNoticeMail,
  slaNoticeOf,
  slaNoticeRecipients,
  staffNoticeFor,
} from './staff-notices.js';
import type {
  CommentReader,
  MailThread,
  MailThreadStore,
  MessageIndex,
  NotificationLedger,
  PersonDirectory,
  SendLimiter,
} from './store/ports.js';

/**
 * Outbound notifications (docs/email.md#outbound-mail), driven by the domain events on the bus: `Ticket Created` from
 * an email → acknowledgement; a public comment by an agent → that comment; `Ticket Status Changed`
 * to resolved → resolution notice. Staff notices too (staff-notices.ts): `SLA Notice Due` → the
 * SLA warning or breach mail to the ticket's group and assignee; `Change Approval Requested`,
 * `Escalated`, `Expired` → the approval group's mail. One mail per event at most: a claim on the
 * event id (conditional write) before sending, marked done after; a failed send releases the claim
 * and throws, so the event is retried; a redelivered event after a crash mid-send sends the same
 * mail again with the same Message-ID, which recipients' clients show once.
 */
export interface DomainEventInput {
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>> & { readonly eventId: string };
}

export interface NotifierDeps {
  readonly settings: EmailSettings;
  readonly tickets: TicketStore;
  readonly comments: CommentReader;
  readonly threads: MailThreadStore;
  readonly index: MessageIndex;
  readonly ledger: NotificationLedger;
  readonly limiter: SendLimiter;
  readonly people: PersonDirectory;
  /** Group addresses (SLA notices, approval notices). */
  readonly groups: Pick<GroupStore, 'get'>;
  /** The change an approval notice is about. */
  readonly changes: Pick<ChangeStore, 'get'>;
  readonly mail: MailSender;
  readonly clock: Clock;
}

export type NotifyOutcome =
  | 'ignored'
  | 'duplicate'
  | 'sent'
  | 'rate-limited'
  | 'no-recipient'
  | 'not-applicable';

/** Longer than the notifier function's timeout, so a live attempt is never taken over. */
const LEDGER_LEASE_MS = 2 * 60 * 1000;

/** Which notification an event asks for, if any (before reading anything). */
export function notificationFor(event: DomainEventInput): NotificationKind | undefined {
  switch (event.detailType) {
    case 'Ticket Created':
      return 'acknowledgement';
    case 'Comment Added':
      return event.detail.visibility === 'public' ? 'agent-comment' : undefined;
    case 'Ticket Status Changed':
      return event.detail.to === 'resolved' ? 'resolution' : undefined;
    default:
      return undefined;
  }
}

export class EmailNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  async handle(event: DomainEventInput): Promise<NotifyOutcome> {
    const notify = this.notificationOf(event);
    if (!notify) return 'ignored';
    const { ledger, clock } = this.deps;
    const eventId = event.detail.eventId;
    const claim = await ledger.claim(eventId, clock.now(), LEDGER_LEASE_MS);
    if (claim === 'done') return 'duplicate';
    if (claim === 'in-progress') throw new RetryLaterError(`event ${eventId} is being notified`);
    try {
      const outcome = await notify();
      await ledger.complete(eventId, outcome, clock.now());
      return outcome;
    } catch (error) {
      await ledger.release(eventId).catch(() => undefined);
      throw error;
    }
  }

  /** What sending this event's mail takes, if the event asks for one (before reading anything). */
  private notificationOf(event: DomainEventInput): (() => Promise<NotifyOutcome>) | undefined {
    const { ticketId, changeId } = event.detail;
    const kind = notificationFor(event);
    if (kind) return typeof ticketId === 'string' ? () => this.notify(kind, event, ticketId) : undefined;
    if (event.detailType === MAIL_TOO_LARGE) return () => this.notifyTooLarge(event);
    const staff = staffNoticeFor(event.detailType);
    if (staff === 'low-rating') {
      // Only a low rating is mailed; any other answer is not this notifier's (no ledger claim).
      const low = lowRatingOf(event.detail);
      return typeof ticketId === 'string' && low
        ? () => this.notifyLowRating(event, ticketId, low)
        : undefined;
    }
    if (staff === 'sla-notice') {
      return typeof ticketId === 'string' ? () => this.notifySla(event, ticketId) : undefined;
    }
    if (staff && isRequestApprovalNotice(staff)) {
      return typeof ticketId === 'string'
        ? () => this.notifyRequestApproval(staff, event, ticketId)
        : undefined;
    }
    if (staff) {
      return typeof changeId === 'string' ? () => this.notifyApproval(staff, event, changeId) : undefined;
    }
    return undefined;
  }

  /** "Your message was too large", to its sender: automatic mail, so within the per-recipient limit. */
  private async notifyTooLarge(event: DomainEventInput): Promise<NotifyOutcome> {
    const notice = tooLargeNoticeOf(event.detail);
    if (!notice) return 'not-applicable';
    if (!acceptsAutomaticMail(notice.to) || this.isMachineSender(notice.to)) return 'no-recipient';
    const mail = tooLargeNoticeMail(notice, this.deps.settings);
    return (await this.withinLimit(notice.to, () => this.deps.mail.send(mail))) ? 'sent' : 'rate-limited';
  }

  /** An SLA warning or breach: to the ticket's group address and an assignee known by address, else the fallback. */
  private async notifySla(event: DomainEventInput, ticketId: string): Promise<NotifyOutcome> {
    const notice = slaNoticeOf(event.detail);
    if (!notice) return 'not-applicable';
    const ticket = await this.deps.tickets.get(ticketId);
    if (!ticket) return 'not-applicable';
    const group = ticket.group ? await this.deps.groups.get(ticket.group) : undefined;
    const to = slaNoticeRecipients(ticket, group?.email, this.deps.settings.fallbackAddress);
    if (to.length === 0) return 'no-recipient';
    const { settings } = this.deps;
    await this.deps.mail.send(slaNoticeMail({ eventId: event.detail.eventId, ticket, notice, to, settings }));
    return 'sent';
  }

  /** A low satisfaction rating: to the ticket's group address, else the fallback address. */
  private async notifyLowRating(
    event: DomainEventInput,
    ticketId: string,
    rating: { rating: number; comment: string | null },
  ): Promise<NotifyOutcome> {
    const ticket = await this.deps.tickets.get(ticketId);
    if (!ticket) return 'not-applicable';
    const group = ticket.group ? await this.deps.groups.get(ticket.group) : undefined;
    const fallback = this.deps.settings.fallbackAddress;
    const to = group?.email ? [group.email] : fallback ? [fallback] : [];
    if (to.length === 0) return 'no-recipient';
    const { settings } = this.deps;
    await this.deps.mail.send(lowRatingMail({ eventId: event.detail.eventId, ticket, rating, to, settings }));
    return 'sent';
  }

  /** A catalog request's approval asked for or overdue: to the approval groups' addresses, else the fallback. */
  private async notifyRequestApproval(
    kind: RequestApprovalNoticeKind,
    event: DomainEventInput,
    ticketId: string,
  ): Promise<NotifyOutcome> {
    const ids = requestApprovalGroups(event.detail);
    if (ids.length === 0) return 'not-applicable';
    const [ticket, ...groups] = await Promise.all([
      this.deps.tickets.get(ticketId),
      ...ids.map((id) => this.deps.groups.get(id)),
    ]);
    if (!ticket) return 'not-applicable';
    const addresses = groups
      .map((group) => group?.email)
      .filter((address): address is string => Boolean(address));
    const fallback = this.deps.settings.fallbackAddress;
    const to = addresses.length > 0 ? [...new Set(addresses)] : fallback ? [fallback] : [];
    if (to.length === 0) return 'no-recipient';
    const { settings } = this.deps;
    await this.deps.mail.send(
      requestApprovalMail({ kind, eventId: event.detail.eventId, ticket, groups: ids, to, settings }),
    );
    return 'sent';
  }

  /** A change approval requested, escalated or expired: to the groups' addresses (see staff-notices.ts). */
  private async notifyApproval(
    kind: ApprovalNoticeKind,
    event: DomainEventInput,
    changeId: string,
  ): Promise<NotifyOutcome> {
    const group = event.detail.group;
    if (typeof group !== 'string') return 'not-applicable';
    const change = await this.deps.changes.get(changeId);
    if (!change) return 'not-applicable';
    const groups = await Promise.all(approvalNoticeGroups(kind, group).map((id) => this.deps.groups.get(id)));
    const to = approvalNoticeRecipients(
      kind,
      change,
      groups.map((g) => g?.email),
      this.deps.settings.fallbackAddress,
    );
    if (to.length === 0) return 'no-recipient';
    const requestedAt = event.detail.requestedAt;
    await this.deps.mail.send(
      approvalNoticeMail({
        kind,
        eventId: event.detail.eventId,
        change,
        group,
        requestedAt: typeof requestedAt === 'string' ? requestedAt : undefined,
        to,
        settings: this.deps.settings,
      }),
    );
    return 'sent';
  }

  private async notify(
    kind: NotificationKind,
    event: DomainEventInput,
    ticketId: string,
  ): Promise<NotifyOutcome> {
    const { settings, clock } = this.deps;
    // Read together: one round trip.
    const [ticket, thread] = await Promise.all([
      this.deps.tickets.get(ticketId),
      this.deps.threads.get(ticketId),
    ]);
    if (!ticket) return 'not-applicable';
    const requesterAddress = ticket.requester.email;
    if (!requesterAddress) return 'no-recipient';

    let comment: Comment | undefined;
    if (kind === 'acknowledgement' && !(ticket.source === 'email' && thread?.acknowledge))
      return 'not-applicable';
    if (kind === 'agent-comment') {
      comment = await this.agentComment(ticket, thread, event);
      if (!comment) return 'not-applicable';
    }
    // Machine senders are never mailed (docs/email.md#outbound-mail), whatever the mail.
    if (this.isMachineSender(requesterAddress)) return 'no-recipient';
    if (isAutomatic(kind) && !acceptsAutomaticMail(requesterAddress)) return 'no-recipient';
    const cc =
      kind === 'agent-comment'
        ? (thread?.participants ?? []).filter(
            (address) => address !== normaliseAddress(requesterAddress) && !this.isMachineSender(address),
          )
        : [];
    const mail = composeNotification({
      kind,
      eventId: event.detail.eventId,
      ticket,
      ...(comment ? { comment } : {}),
      thread: { lastInboundMessageId: thread?.lastInboundMessageId, messageIds: thread?.messageIds ?? [] },
      to: [requesterAddress],
      cc,
      settings,
    });
    const send = async () => {
      // Indexed before sending: a reply can arrive within seconds and must find its ticket.
      await this.deps.index.recordOutbound(mail.messageId, ticketId, clock.now());
      return this.deps.mail.send(mail);
    };
    const sent = isAutomatic(kind) ? await this.withinLimit(requesterAddress, send) : { mail: await send() };
    if (!sent) return 'rate-limited';
    if (sent.mail && sent.mail.headerMessageId !== mail.messageId) {
      // SES replaces the Message-ID; replies then answer SES's id, so that one is indexed too.
      await this.deps.index.recordOutbound(sent.mail.headerMessageId, ticketId, clock.now());
    }
    return 'sent';
  }

  /** On the machine-sender allowlist (settings.machineSenders): a monitoring system, never mailed. */
  private isMachineSender(address: string): boolean {
    return isListed(address, this.deps.settings.machineSenders);
  }

  /**
   * An automatic mail within the recipient's hourly limit: a slot is taken first (two notifiers
   * cannot both take the last one), and given back when the send fails, so that only mail that went
   * out counts and the retry finds its slot again. Undefined: the limit is reached, nothing sent.
   */
  private async withinLimit<T>(recipient: string, send: () => Promise<T>): Promise<{ mail: T } | undefined> {
    const { limiter, settings, clock } = this.deps;
    const at = clock.now();
    if (!(await limiter.admit(recipient, at, settings.autoRepliesPerHour))) return undefined;
    try {
      return { mail: await send() };
    } catch (error) {
      // Not given back (the store failing too): the slot stays taken, the safe side of the limit.
      await limiter.release(recipient, at).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The comment, if it is an agent's public reply that the requester should receive: not the
   * requester's own, not the gateway's, not a Cc participant's mail. Only staff can write public
   * comments on someone else's ticket through the API, so its author is remembered as staff: their
   * mail to the support address then counts as an agent's reply.
   */
  private async agentComment(
    ticket: Ticket,
    thread: MailThread | undefined,
    event: DomainEventInput,
  ): Promise<Comment | undefined> {
    const commentId = event.detail.commentId;
    const at = event.detail.at;
    if (typeof commentId !== 'string' || typeof at !== 'string') return undefined;
    const comment = await this.deps.comments.get(ticket.id, at, commentId);
    if (comment?.visibility !== 'public') return undefined;
    const author = comment.author;
    if (author.id === ticket.requester.id || author.id === EMAIL_GATEWAY.id) return undefined;
    if (author.email && (thread?.participants ?? []).includes(normaliseAddress(author.email)))
      return undefined;
    if (author.email) {
      await this.deps.people.learnStaff(
        { id: author.id, email: author.email, name: author.name },
        this.deps.clock.now(),
      );
    }
    return comment;
  }
}
