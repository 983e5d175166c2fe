import { createHash } from 'node:crypto';
import { type AttachmentRecord, summaryOf } from '../attachments/model.js';
import type { AttachmentStore } from '../attachments/store/attachment-store.js';
import type { ObjectStore } from '../attachments/store/object-store.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import type { Ticket } from '../tickets/model.js';
import { TICKET_ID_PATTERN } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';
import type { TicketStore, TicketWrite } from '../tickets/store/ticket-store.js';
import { acceptsAutomaticMail } from './address-forms.js';
import { type Mailbox, normaliseAddress } from './addresses.js';
import { boundedText, titleFrom } from './bounded-text.js';
import { type Classification, classifyMail } from './classify.js';
import { QUARANTINE_PREFIX } from './constants.js';
import { type Decision, decide, type SenderRole, type ThreadMatch } from './decide.js';
import { EMAIL_GATEWAY, RetryLaterError } from './gateway.js';
import type { ParsedMail } from './model.js';
import { observedTicketStore } from './observed-store.js';
import { MailTooComplexError, parseMail } from './parse.js';
import { trimQuotedReply } from './reply-trim.js';
import { isListed, judgeSender } from './sender-policy.js';
import { sesVerdicts } from './ses-verdicts.js';
import { type EmailSettings, isOwnAddress, ticketTypeFor } from './settings.js';
import type {
  DirectoryEntry,
  InboundOutcome,
  MailLog,
  MailThreadStore,
  MessageIndex,
  PendingWrite,
  PersonDirectory,
} from './store/ports.js';
import { cleanTitle, threadCandidates } from './threading.js';

/**
 * Email to ticket (docs/email.md): one stored raw mail in, at most one ticket or comment out, exactly
 * once per Message-ID. The same code runs behind the S3 trigger on AWS and behind the local SMTP
 * listener; only the adapters differ.
 *
 * Exactly once: the Message-ID item is claimed with a conditional write (a lease); the ticket or
 * comment about to be written is noted on the claim right before its transaction; the claim is
 * marked done last. A retry after a crash finds the note, checks whether the write landed, and
 * finishes the follow-up steps (all idempotent) instead of writing again.
 */
export interface IngestDeps {
  readonly settings: EmailSettings;
  readonly rawMail: ObjectStore;
  readonly attachmentObjects: ObjectStore;
  readonly ticketStore: TicketStore;
  /** Builds the ticket service over a given store (the ingest observes its commits). */
  readonly ticketService: (store: TicketStore) => TicketService;
  readonly index: MessageIndex;
  readonly threads: MailThreadStore;
  readonly people: PersonDirectory;
  readonly attachments: AttachmentStore;
  readonly log: MailLog;
  readonly clock: Clock;
}

export type IngestResult =
  | (InboundOutcome & { readonly messageId: string })
  | { readonly outcome: 'duplicate'; readonly messageId: string; readonly first: InboundOutcome }
  | { readonly outcome: 'missing' };

/** Longer than the ingest function's timeout (60 s): a live attempt is never taken over. */
export const CLAIM_LEASE_MS = 3 * 60 * 1000;

export class EmailIngest {
  constructor(private readonly deps: IngestDeps) {}

  async ingest(objectKey: string): Promise<IngestResult> {
    const { rawMail, settings } = this.deps;
    const head = await rawMail.head(objectKey);
    if (!head) return { outcome: 'missing' };
    const syntheticId = `<object.${createHash('sha256').update(objectKey).digest('hex').slice(0, 32)}@opsdesk.invalid>`;
    if (head.size > settings.maxMailBytes) {
      const reason = `${head.size} bytes exceeds the ${settings.maxMailBytes}-byte limit`;
      return this.setAside(objectKey, 'refused', 'too-large', reason, syntheticId);
    }
    const raw = await rawMail.get(objectKey);
    if (!raw) return { outcome: 'missing' };
    const verdicts = sesVerdicts(raw);
    if (verdicts.failed) {
      return this.setAside(objectKey, 'quarantined', 'ses-verdict', verdicts.reasons.join('; '), syntheticId);
    }
    let mail: ParsedMail;
    try {
      mail = await parseMail(raw);
    } catch (error) {
      const reason = error instanceof MailTooComplexError ? error.message : `unparseable: ${String(error)}`;
      return this.setAside(objectKey, 'quarantined', 'unparseable', reason.slice(0, 500), syntheticId);
    }
    const messageId = mail.messageId ?? contentMessageId(raw);
    const now = this.deps.clock.now();
    const claim = await this.deps.index.claim(messageId, now, CLAIM_LEASE_MS);
    if (claim.status === 'duplicate') return { outcome: 'duplicate', messageId, first: claim.outcome };
    if (claim.status === 'in-progress') {
      throw new RetryLaterError(`${messageId} is being processed by another delivery`);
    }
    const pending = claim.status === 'resumed' ? claim.pending : undefined;
    try {
      const landed = pending && (await this.deps.index.landed(pending)) ? pending : undefined;
      const outcome = await this.process(mail, messageId, objectKey, landed);
      await this.deps.index.complete(messageId, outcome, this.deps.clock.now());
      return { ...outcome, messageId };
    } catch (error) {
      await this.deps.index.release(messageId).catch(() => undefined);
      throw error;
    }
  }

  private async process(
    mail: ParsedMail,
    messageId: string,
    objectKey: string,
    landed: PendingWrite | undefined,
  ): Promise<InboundOutcome> {
    const { settings } = this.deps;
    const classification = classifyMail(mail, {
      ownDomains: [settings.domain],
      ownAddresses: settings.addresses.map((entry) => entry.address),
    });
    const sender = mail.from;
    const known = sender ? await this.deps.people.find(sender.address) : undefined;
    const match = await this.findThread(mail);
    const decision = decide({
      classification,
      sender,
      senderId: known?.id,
      senderIsStaff: known?.staff ?? false,
      senderVerdict: sender
        ? judgeSender(sender.address, { allow: settings.allowSenders, deny: settings.denySenders })
        : { allowed: true },
      machineSender: sender ? isListed(sender.address, settings.machineSenders) : false,
      match,
      newTicketType: ticketTypeFor(
        [...mail.to, ...mail.cc].map((mailbox) => mailbox.address),
        settings,
      ),
    });
    const context: MailContext = {
      mail,
      messageId,
      objectKey,
      classification,
      sender: sender!,
      known,
      landed,
    };
    switch (decision.kind) {
      case 'drop':
        await this.record(mail, objectKey, 'dropped', decision.reason, classification);
        return { outcome: 'dropped', reason: decision.reason };
      case 'create':
        return this.createTicket(context, decision);
      case 'comment':
      case 'note':
        return this.addToTicket(context, decision, match!);
    }
  }

  /** The order of docs/email.md#threading-threadingts: ticket id in the subject, then the Message-IDs the mail answers. */
  private async findThread(mail: ParsedMail): Promise<ThreadMatch | undefined> {
    const { ticketIds, messageIds } = threadCandidates(mail);
    for (const id of ticketIds) {
      const ticket = TICKET_ID_PATTERN.test(id) ? await this.deps.ticketStore.get(id) : undefined;
      if (ticket) return this.matchOf(ticket, 'subject');
    }
    const owners = await this.deps.index.ticketsOf(messageIds);
    for (const id of messageIds) {
      const ticketId = owners.get(id);
      const ticket = ticketId ? await this.deps.ticketStore.get(ticketId) : undefined;
      if (ticket) return this.matchOf(ticket, 'message-id');
    }
    return undefined;
  }

  private async matchOf(ticket: Ticket, matchedBy: ThreadMatch['matchedBy']): Promise<ThreadMatch> {
    const thread = await this.deps.threads.get(ticket.id);
    return { ticket, participants: thread?.participants ?? [], matchedBy };
  }

  private async createTicket(
    context: MailContext,
    decision: Extract<Decision, { kind: 'create' }>,
  ): Promise<InboundOutcome> {
    const { mail, sender, messageId } = context;
    const now = this.deps.clock.now();
    const person = await this.deps.people.firstSight(sender.address, sender.name || null, now);
    const description = boundedText(mail.body);
    const files = await this.storeFiles(context, description.truncated);
    const participants = this.participantsOf(mail, sender);
    const acknowledge = decision.answer && acceptsAutomaticMail(sender.address);

    let ticket: Ticket | undefined = context.landed
      ? await this.deps.ticketStore.get(context.landed.ticketId)
      : undefined;
    if (!ticket) {
      const service = this.serviceNoting(messageId, async (write) => {
        // The thread record goes in before the ticket: the acknowledgement, triggered by the
        // ticket's creation event, must find it.
        await this.deps.threads.put({
          ticketId: write.after.id,
          participants,
          messageIds: mail.messageId ? [mail.messageId] : [],
          lastInboundMessageId: mail.messageId,
          acknowledge,
          updatedAt: now.toISOString(),
        });
      });
      ticket = await service.create(EMAIL_GATEWAY, {
        type: decision.type,
        title: titleFrom(decision.relatesTo ? cleanTitle(mail.subject) : mail.subject),
        description: description.text,
        requester: { id: person.id, email: person.email, name: person.name },
        source: 'email',
      });
    }
    await this.saveRecords(files, ticket.id, null, EMAIL_GATEWAY, false);
    if (decision.relatesTo && !ticket.links.some((link) => link.targetId === decision.relatesTo)) {
      await this.deps
        .ticketService(this.deps.ticketStore)
        .link(EMAIL_GATEWAY, ticket.id, { type: 'relates_to', targetId: decision.relatesTo });
    }
    return { outcome: 'ticket', ticketId: ticket.id };
  }

  private async addToTicket(
    context: MailContext,
    decision: Extract<Decision, { kind: 'comment' | 'note' }>,
    match: ThreadMatch,
  ): Promise<InboundOutcome> {
    const { mail, sender, messageId } = context;
    const now = this.deps.clock.now();
    const files = await this.storeFiles(context, false);
    const author =
      decision.kind === 'comment' ? await this.authorFor(decision.role, match, context) : EMAIL_GATEWAY;
    const body =
      decision.kind === 'comment' ? trimQuotedReply(mail.body) : noteBody(decision.why, sender, context);

    const visibility = decision.kind === 'comment' && !decision.internal ? 'public' : 'internal';
    let commentId = context.landed?.comment?.id;
    if (!commentId) {
      const service = this.serviceNoting(messageId, async () => undefined);
      const comment = await service.comment(author, match.ticket.id, {
        body: boundedText(body.trim() || '(no text; see the attachments)').text,
        visibility,
        attachments: files.map(summaryOf),
        ...(decision.kind === 'comment' && decision.role === 'participant' ? { participant: true } : {}),
        ...(decision.kind === 'comment' && decision.role === 'requester' ? { reopens: true } : {}),
      });
      commentId = comment.id;
    }
    await this.saveRecords(files, match.ticket.id, commentId, author, visibility === 'internal');
    if (decision.kind === 'comment' && mail.messageId) {
      await this.deps.threads.addInbound(match.ticket.id, mail.messageId, now);
    }
    return decision.kind === 'comment'
      ? { outcome: 'comment', ticketId: match.ticket.id, commentId }
      : { outcome: 'note', ticketId: match.ticket.id, commentId, reason: decision.why };
  }

  /** The caller a comment is written as: the sender, with the rights their role gives. */
  private async authorFor(role: SenderRole, match: ThreadMatch, context: MailContext): Promise<Caller> {
    const { sender, known } = context;
    if (role === 'requester') {
      const requester = match.ticket.requester;
      return {
        id: requester.id,
        email: requester.email ?? sender.address,
        name: requester.name ?? (sender.name || null),
        roles: new Set(['requester']),
      };
    }
    const person =
      known ??
      (await this.deps.people.firstSight(sender.address, sender.name || null, this.deps.clock.now()));
    return {
      id: person.id,
      email: person.email,
      name: person.name ?? (sender.name || null),
      roles: new Set([role === 'staff' ? 'agent' : 'requester']),
    };
  }

  /** A TicketService whose commits first note the pending write on this message's claim. */
  private serviceNoting(messageId: string, alsoBefore: (write: TicketWrite) => Promise<void>): TicketService {
    const store = observedTicketStore(this.deps.ticketStore, async (writes) => {
      const write = writes[0]!;
      await alsoBefore(write);
      await this.deps.index.notePending(messageId, {
        ticketId: write.after.id,
        created: write.before === undefined,
        ...(write.comment ? { comment: { createdAt: write.comment.createdAt, id: write.comment.id } } : {}),
      });
    });
    return this.deps.ticketService(store);
  }

  /** Stores attachments (and, for a truncated body, the original message) under keys derived from the message. */
  private async storeFiles(context: MailContext, keepOriginal: boolean): Promise<FileDraft[]> {
    const prefix = `mail/${createHash('sha256').update(context.messageId).digest('hex').slice(0, 32)}`;
    const drafts: FileDraft[] = [];
    const now = this.deps.clock.now().toISOString();
    for (const [index, attachment] of context.mail.attachments.entries()) {
      const key = `${prefix}/${index}`;
      await this.deps.attachmentObjects.put(key, attachment.content, attachment.contentType);
      drafts.push({
        id: `${prefix.slice(5, 21)}-${index}`,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: attachment.size,
        inline: attachment.inline,
        contentId: attachment.contentId,
        source: 'email',
        objectKey: key,
        createdAt: now,
      });
    }
    if (keepOriginal) {
      const raw = await this.deps.rawMail.get(context.objectKey);
      if (raw) {
        const key = `${prefix}/original`;
        await this.deps.attachmentObjects.put(key, raw, 'message/rfc822');
        drafts.push({
          id: `${prefix.slice(5, 21)}-original`,
          filename: 'original-message.eml',
          contentType: 'message/rfc822',
          size: raw.byteLength,
          inline: false,
          contentId: null,
          source: 'email',
          objectKey: key,
          createdAt: now,
        });
      }
    }
    return drafts;
  }

  private async saveRecords(
    files: readonly FileDraft[],
    ticketId: string,
    commentId: string | null,
    by: Caller,
    internal: boolean,
  ): Promise<void> {
    for (const file of files) {
      await this.deps.attachments.put({
        ...file,
        ticketId,
        commentId,
        internal,
        createdBy: { id: by.id, name: by.name },
      });
    }
  }

  /** Everyone the opening mail was addressed to, except us and the sender: they may reply as participants. */
  private participantsOf(mail: ParsedMail, sender: Mailbox): string[] {
    const addresses = [...mail.to, ...mail.cc]
      .map((mailbox) => normaliseAddress(mailbox.address))
      .filter((address) => address.includes('@') && !isOwnAddress(address, this.deps.settings))
      .filter((address) => address !== normaliseAddress(sender.address));
    return [...new Set(addresses)].slice(0, 50);
  }

  private async setAside(
    objectKey: string,
    outcome: 'refused' | 'quarantined',
    folder: string,
    reason: string,
    messageId: string,
  ): Promise<IngestResult> {
    const name = objectKey.split('/').pop() ?? objectKey;
    await this.deps.rawMail.move(objectKey, `${QUARANTINE_PREFIX}${folder}/${name}`);
    await this.deps.log.record({
      at: this.deps.clock.now().toISOString(),
      objectKey: `${QUARANTINE_PREFIX}${folder}/${name}`,
      messageId: undefined,
      from: undefined,
      subject: undefined,
      outcome,
      reason,
    });
    return { outcome, reason, messageId };
  }

  private async record(
    mail: ParsedMail,
    objectKey: string,
    outcome: 'dropped',
    reason: string,
    classification: Classification,
  ): Promise<void> {
    await this.deps.log.record({
      at: this.deps.clock.now().toISOString(),
      objectKey,
      messageId: mail.messageId,
      from: mail.from?.address,
      subject: mail.subject.slice(0, 200),
      outcome,
      reason,
      classification: { kind: classification.kind, reasons: classification.reasons.slice(0, 10) },
    });
  }
}

interface MailContext {
  readonly mail: ParsedMail;
  readonly messageId: string;
  readonly objectKey: string;
  readonly classification: Classification;
  readonly sender: Mailbox;
  readonly known: DirectoryEntry | undefined;
  readonly landed: PendingWrite | undefined;
}

type FileDraft = Omit<AttachmentRecord, 'ticketId' | 'commentId' | 'createdBy' | 'internal'>;

function noteBody(
  why: 'uninvolved' | 'bounce' | 'auto-reply',
  sender: Mailbox,
  context: MailContext,
): string {
  const who = sender.name ? `${sender.name} <${sender.address}>` : sender.address;
  const text = why === 'uninvolved' ? trimQuotedReply(context.mail.body) : context.mail.body;
  const heading = {
    uninvolved: `Email from an uninvolved sender, ${who}: neither the requester, a participant nor an agent of this ticket. Kept as an internal note; nothing else changed.`,
    bounce: `Delivery failure report from ${who} (${context.classification.reasons.slice(0, 3).join('; ')}). Recorded only; nothing else changed.`,
    'auto-reply': `Automatic reply from ${who} (${context.classification.reasons.slice(0, 3).join('; ')}). Recorded only; nothing else changed.`,
  }[why];
  return `${heading}\n\nSubject: ${context.mail.subject}\n\n${text}`;
}

/** Stand-in Message-ID for mail without one: the same bytes delivered twice still dedupe. */
function contentMessageId(raw: Uint8Array): string {
  return `<sha256.${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@opsdesk.invalid>`;
}
