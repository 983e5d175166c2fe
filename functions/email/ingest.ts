import { createHash } from 'node:crypto';
import { type AttachmentRecord, summaryOf } from '../attachments/model.js';
import type { AttachmentStore } from '../attachments/store/attachment-store.js';
import type { ObjectStore } from '../attachments/store/object-store.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { personIdOf } from '../shared/people.js';
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
import { ClaimLostError, EMAIL_GATEWAY, RetryLaterError } from './gateway.js';
import type { ParsedMail } from './model.js';
import { interceptedTicketStore } from './observed-store.js';
import { MailTooComplexError, parseMail, parseMailHeaders } from './parse.js';
import { trimQuotedReply } from './reply-trim.js';
import { isListed, judgeSender } from './sender-policy.js';
import { sesVerdicts } from './ses-verdicts.js';
import { type EmailSettings, isOwnAddress, ticketTypeFor } from './settings.js';
import type {
  DirectoryEntry,
  HeldClaim,
  InboundOutcome,
  MailLog,
  MailRecord,
  MailThread,
  MailThreadStore,
  MailTransactions,
  MailWrites,
  MessageIndex,
  PendingWrite,
  PersonDirectory,
  SenderNotice,
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
 * finishes the follow-up steps (all idempotent) instead of writing again. With `transactions`
 * (DynamoDB), the note, the thread record, a new sender and the file records ride in the ticket's
 * own transaction, and a mail that opens nothing settles (record, claim done) in one; without,
 * they are written apart, in an order that keeps a retry safe, and no sender notice is sent.
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
  /** Joint writes (docs/email.md#exactly-once); absent: each part written apart through its port. */
  readonly transactions?: MailTransactions;
  readonly clock: Clock;
}

export type IngestResult =
  | (InboundOutcome & { readonly messageId: string })
  | { readonly outcome: 'duplicate'; readonly messageId: string; readonly first: InboundOutcome }
  | { readonly outcome: 'missing' };

/** Longer than the ingest function's timeout (60 s): a live attempt is never taken over. */
export const CLAIM_LEASE_MS = 3 * 60 * 1000;

/** Bytes of an oversized mail read for its header block (its sender, subject, Message-ID). */
const HEADER_SCAN_BYTES = 64 * 1024;

/** The claim `index.claim(messageId, now, CLAIM_LEASE_MS)` writes (its lease is `now` + the lease). */
function heldClaim(messageId: string, now: Date): HeldClaim {
  return { messageId, leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString() };
}

export class EmailIngest {
  constructor(private readonly deps: IngestDeps) {}

  async ingest(objectKey: string): Promise<IngestResult> {
    const { rawMail, settings } = this.deps;
    const head = await rawMail.head(objectKey);
    if (!head) return { outcome: 'missing' };
    const syntheticId = `<object.${createHash('sha256').update(objectKey).digest('hex').slice(0, 32)}@opsdesk.invalid>`;
    if (head.size > settings.maxMailBytes) return this.refuseTooLarge(objectKey, head.size, syntheticId);
    const raw = await rawMail.get(objectKey);
    if (!raw) return { outcome: 'missing' };
    const verdicts = sesVerdicts(raw);
    if (verdicts.failed) {
      return this.setAside(
        objectKey,
        'quarantined',
        'ses-verdict',
        verdicts.reasons.join('; '),
        syntheticId,
        raw,
      );
    }
    let mail: ParsedMail;
    try {
      mail = await parseMail(raw);
    } catch (error) {
      const reason = error instanceof MailTooComplexError ? error.message : `unparseable: ${String(error)}`;
      return this.setAside(objectKey, 'quarantined', 'unparseable', reason.slice(0, 500), syntheticId, raw);
    }
    const messageId = mail.messageId ?? contentMessageId(raw);
    const now = this.deps.clock.now();
    // What the decision reads goes out with the claim, in one round trip: reads have no effect, so
    // a duplicate or a busy message only wastes them.
    const [claimed, read] = await Promise.all([
      this.deps.index.claim(messageId, now, CLAIM_LEASE_MS),
      Promise.all([
        mail.from ? this.deps.people.find(mail.from.address) : undefined,
        this.findThread(mail),
      ]).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    ]);
    if (claimed.status === 'duplicate') return this.duplicate(mail, messageId, objectKey, claimed.outcome);
    if (claimed.status === 'in-progress') {
      throw new RetryLaterError(`${messageId} is being processed by another delivery`);
    }
    const pending = claimed.status === 'resumed' ? claimed.pending : undefined;
    const claim = heldClaim(messageId, now);
    try {
      if ('error' in read) throw read.error;
      const [known, found] = read.value;
      const landed = pending && (await this.deps.index.landed(pending)) ? pending : undefined;
      const { outcome, done } = await this.process(mail, claim, objectKey, landed, known, found);
      if (!done) await this.deps.index.complete(messageId, outcome, this.deps.clock.now());
      return { ...outcome, messageId };
    } catch (error) {
      // A claim taken over is another delivery's now: leave it alone.
      if (!(error instanceof ClaimLostError)) await this.deps.index.release(messageId).catch(() => undefined);
      throw error;
    }
  }

  /** `done`: the claim was marked done with the outcome already (a settled mail). */
  private async process(
    mail: ParsedMail,
    claim: HeldClaim,
    objectKey: string,
    landed: PendingWrite | undefined,
    known: DirectoryEntry | undefined,
    found: FoundThread | undefined,
  ): Promise<{ outcome: InboundOutcome; done: boolean }> {
    const { settings } = this.deps;
    const { messageId } = claim;
    const classification = classifyMail(mail, this.classifierContext());
    const sender = mail.from;
    const match = found?.match;
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
      claim,
      objectKey,
      classification,
      sender: sender!,
      known,
      landed,
    };
    switch (decision.kind) {
      case 'drop': {
        const outcome: InboundOutcome = { outcome: 'dropped', reason: decision.reason };
        const record = this.recordOf(
          mail,
          objectKey,
          { outcome: 'dropped', reason: decision.reason },
          classification,
        );
        await this.settle(claim, outcome, record);
        return { outcome, done: true };
      }
      case 'create':
        return { outcome: await this.createTicket(context, decision), done: false };
      case 'comment':
      case 'note':
        return { outcome: await this.addToTicket(context, decision, found!), done: false };
    }
  }

  private classifierContext() {
    const { settings } = this.deps;
    return {
      ownDomains: [settings.domain],
      ownAddresses: settings.addresses.map((entry) => entry.address),
      noReplySendersAreMachines: settings.noReplySendersAreMachines ?? false,
    };
  }

  /** The order of docs/email.md#threading-threadingts: ticket id in the subject, then the Message-IDs the mail answers. */
  private async findThread(mail: ParsedMail): Promise<FoundThread | undefined> {
    const { ticketIds, messageIds } = threadCandidates(mail);
    for (const id of ticketIds) {
      const found = TICKET_ID_PATTERN.test(id) ? await this.matchOf(id, 'subject') : undefined;
      if (found) return found;
    }
    const owners = await this.deps.index.ticketsOf(messageIds);
    for (const id of messageIds) {
      const ticketId = owners.get(id);
      const found = ticketId ? await this.matchOf(ticketId, 'message-id') : undefined;
      if (found) return found;
    }
    return undefined;
  }

  /** The ticket and its mail thread, read together. */
  private async matchOf(id: string, matchedBy: ThreadMatch['matchedBy']): Promise<FoundThread | undefined> {
    const [ticket, thread] = await Promise.all([this.deps.ticketStore.get(id), this.deps.threads.get(id)]);
    if (!ticket) return undefined;
    return { match: { ticket, participants: thread?.participants ?? [], matchedBy }, ticket, thread };
  }

  private async createTicket(
    context: MailContext,
    decision: Extract<Decision, { kind: 'create' }>,
  ): Promise<InboundOutcome> {
    const { mail, sender } = context;
    const now = this.deps.clock.now();
    // A sender the directory does not know is added with the ticket (MailWrites.person).
    const person = context.known ?? firstSightEntry(sender);
    const description = boundedText(mail.body);
    const files = await this.storeFiles(context, description.truncated);
    const participants = this.participantsOf(mail, sender);
    const acknowledge = decision.answer && acceptsAutomaticMail(sender.address);

    let ticket: Ticket | undefined = context.landed
      ? await this.deps.ticketStore.get(context.landed.ticketId)
      : undefined;
    if (!ticket) {
      const service = this.serviceWithMail(context.claim, async (write) => ({
        // The thread record lands with the ticket (or before it): the acknowledgement, triggered
        // by the ticket's creation event, must find it.
        thread: {
          kind: 'open',
          thread: {
            ticketId: write.after.id,
            participants,
            messageIds: mail.messageId ? [mail.messageId] : [],
            lastInboundMessageId: mail.messageId,
            acknowledge,
            updatedAt: now.toISOString(),
          },
        },
        ...(context.known ? {} : { person: { entry: person, at: now.toISOString() } }),
        attachments: recordsOf(files, write.after.id, null, EMAIL_GATEWAY, false),
      }));
      ticket = await service.create(EMAIL_GATEWAY, {
        type: decision.type,
        title: titleFrom(decision.relatesTo ? cleanTitle(mail.subject) : mail.subject),
        description: description.text,
        // The sender's person id, whatever id the directory writes their mail as (a staff member's
        // own): their verified token finds the ticket by it (docs/email.md#people).
        requester: { id: personIdOf(person.email), email: person.email, name: person.name },
        source: 'email',
        // The stack's mail defaults (settings.ts); the group is the service's default group (wiring.ts).
        impact: this.deps.settings.ticketDefaults.impact,
        urgency: this.deps.settings.ticketDefaults.urgency,
      });
    } else {
      // A retry of a mail whose ticket landed: its follow-ups again (idempotent).
      await this.saveRecords(files, ticket.id, null, EMAIL_GATEWAY, false);
    }
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
    found: FoundThread,
  ): Promise<InboundOutcome> {
    const { mail, sender } = context;
    const { match } = found;
    const now = this.deps.clock.now();
    const files = await this.storeFiles(context, false);
    const author =
      decision.kind === 'comment' ? this.authorFor(decision.role, match, context) : EMAIL_GATEWAY;
    // A participant the directory does not know yet is added with the comment (MailWrites.person).
    const firstSeen = decision.kind === 'comment' && decision.role !== 'requester' && !context.known;
    const ticketId = match.ticket.id;
    const inbound = decision.kind === 'comment' ? mail.messageId : undefined;
    const body =
      decision.kind === 'comment' ? trimQuotedReply(mail.body) : noteBody(decision.why, sender, context);

    const visibility = decision.kind === 'comment' && !decision.internal ? 'public' : 'internal';
    let commentId = context.landed?.comment?.id;
    if (!commentId) {
      const service = this.serviceWithMail(
        context.claim,
        async (write, attempt) => ({
          // The thread as read with the ticket; after a lost race, as it is now.
          ...(inbound
            ? {
                thread: {
                  kind: 'inbound' as const,
                  ticketId,
                  messageId: inbound,
                  at: now.toISOString(),
                  seen: attempt === 1 ? found.thread : await this.deps.threads.get(ticketId),
                },
              }
            : {}),
          ...(firstSeen ? { person: { entry: firstSightEntry(sender), at: now.toISOString() } } : {}),
          attachments: recordsOf(
            files,
            ticketId,
            write.comment?.id ?? null,
            author,
            visibility === 'internal',
          ),
        }),
        // The ticket as just read: the first attempt writes against it (conditional on its version).
        found.ticket,
      );
      const comment = await service.comment(author, match.ticket.id, {
        body: boundedText(body.trim() || '(no text; see the attachments)').text,
        visibility,
        attachments: files.map(summaryOf),
        ...(decision.kind === 'comment' && decision.role === 'participant' ? { participant: true } : {}),
        ...(decision.kind === 'comment' && decision.role === 'requester' ? { reopens: true } : {}),
      });
      commentId = comment.id;
    } else {
      // A retry of a mail whose comment landed: its follow-ups again (idempotent).
      await this.saveRecords(files, ticketId, commentId, author, visibility === 'internal');
      if (inbound) await this.deps.threads.addInbound(ticketId, inbound, now);
    }
    return decision.kind === 'comment'
      ? { outcome: 'comment', ticketId: match.ticket.id, commentId }
      : { outcome: 'note', ticketId: match.ticket.id, commentId, reason: decision.why };
  }

  /** The caller a comment is written as: the sender, with the rights their role gives. */
  private authorFor(role: SenderRole, match: ThreadMatch, context: MailContext): Caller {
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
    const person = known ?? firstSightEntry(sender);
    return {
      id: person.id,
      email: person.email,
      name: person.name ?? (sender.name || null),
      roles: new Set([role === 'staff' ? 'agent' : 'requester']),
    };
  }

  /** A TicketService whose commits first note the pending write on this message's claim. */
  /**
   * A TicketService whose commits carry what this mail adds (`also`, asked again on each attempt:
   * the ticket service retries a lost race): in the commit's own transaction when the store can
   * carry it, else written apart around the commit. `copy`: a ticket just read, which the first
   * attempt may write against (the commit stays conditional on its version).
   */
  private serviceWithMail(
    claim: HeldClaim,
    also: (write: TicketWrite, attempt: number) => Promise<Omit<MailWrites, 'claim' | 'pending'>>,
    copy?: Ticket,
  ): TicketService {
    const inner = this.deps.ticketStore;
    let attempt = 0;
    const store = interceptedTicketStore(inner, {
      get: (id, hint) =>
        copy && id === copy.id && (hint?.recent || hint?.version === copy.version)
          ? Promise.resolve(copy)
          : inner.get(id, hint),
      commit: async (writes) => {
        const write = writes[0]!;
        const mail: MailWrites = { claim, pending: pendingOf(write), ...(await also(write, ++attempt)) };
        const companion = this.deps.transactions?.companion(mail);
        if (!companion) {
          await this.writeApart(mail, 'before');
          await inner.commit(writes);
          await this.writeApart(mail, 'after');
          return;
        }
        let carried = false;
        await inner.commit(writes, {
          ...companion,
          kind: companion.kind,
          carried: () => {
            carried = true;
            companion.carried();
          },
        });
        // A store that could not carry it committed the ticket alone: the rest goes in now (the
        // note on the claim is moot, the claim is marked done next).
        if (!carried) await this.writeApart({ ...mail, pending: undefined }, 'before', 'after');
      },
    });
    return this.deps.ticketService(store);
  }

  /**
   * The parts of a mail's writes, apart: before the commit, what must be there when it lands (the
   * sender, the thread an acknowledgement reads, the note on the claim); after, the rest.
   */
  private async writeApart(
    mail: Omit<MailWrites, 'pending'> & { readonly pending: PendingWrite | undefined },
    ...phases: ('before' | 'after')[]
  ): Promise<void> {
    const { thread, person } = mail;
    if (phases.includes('before')) {
      if (person)
        await this.deps.people.firstSight(person.entry.email, person.entry.name, new Date(person.at));
      if (thread?.kind === 'open') await this.deps.threads.put(thread.thread);
      if (mail.pending) await this.deps.index.notePending(mail.claim.messageId, mail.pending);
    }
    if (phases.includes('after')) {
      if (thread?.kind === 'inbound') {
        await this.deps.threads.addInbound(thread.ticketId, thread.messageId, new Date(thread.at));
      }
      for (const record of mail.attachments) await this.deps.attachments.put(record);
    }
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
    for (const record of recordsOf(files, ticketId, commentId, by, internal)) {
      await this.deps.attachments.put(record);
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

  /** Quarantined unread (SES verdict, unparseable): moved aside, recorded with what its header block says. */
  private async setAside(
    objectKey: string,
    outcome: 'quarantined',
    folder: string,
    reason: string,
    messageId: string,
    raw: Uint8Array,
  ): Promise<IngestResult> {
    const destination = quarantineKey(objectKey, folder);
    const head = await parseMailHeaders(raw.subarray(0, HEADER_SCAN_BYTES)).catch(() => undefined);
    await this.deps.rawMail.move(objectKey, destination);
    await this.deps.log.record(this.recordOf(head, destination, { outcome, reason }));
    return { outcome, reason, messageId };
  }

  /**
   * Mail over the size limit is never parsed whole (docs/email.md#what-one-mail-does): its header
   * block (the first 64 KiB) names the sender, and a human sender gets one "too large" notice
   * (the notifier sends it, within the automatic-mail limit). Claimed like any mail, so a second
   * delivery is a duplicate; the record, the claim's outcome and the notice land at once.
   */
  private async refuseTooLarge(objectKey: string, size: number, syntheticId: string): Promise<IngestResult> {
    const { rawMail, settings, clock } = this.deps;
    const limit = settings.maxMailBytes;
    const start = await rawMail.getStart(objectKey, HEADER_SCAN_BYTES);
    if (!start) return { outcome: 'missing' };
    const head = await parseMailHeaders(start).catch(() => undefined);
    const messageId = head?.messageId ?? syntheticId;
    const now = clock.now();
    const claimed = await this.deps.index.claim(messageId, now, CLAIM_LEASE_MS);
    if (claimed.status === 'duplicate') return this.duplicate(head, messageId, objectKey, claimed.outcome);
    if (claimed.status === 'in-progress') {
      throw new RetryLaterError(`${messageId} is being processed by another delivery`);
    }
    const destination = quarantineKey(objectKey, 'too-large');
    const outcome: InboundOutcome = {
      outcome: 'refused',
      reason: `${size} bytes exceeds the ${limit}-byte limit`,
    };
    const classification = head ? classifyMail(head, this.classifierContext()) : undefined;
    const sender = head?.from;
    const answered =
      sender &&
      classification?.kind === 'human' &&
      acceptsAutomaticMail(sender.address) &&
      judgeSender(sender.address, { allow: settings.allowSenders, deny: settings.denySenders }).allowed;
    const notice: SenderNotice | undefined = answered
      ? {
          id: `too-large.${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}`,
          kind: 'too-large',
          to: normaliseAddress(sender.address),
          at: now.toISOString(),
          detail: { subject: head.subject.slice(0, 200), inReplyTo: head.messageId ?? null, size, limit },
        }
      : undefined;
    try {
      await this.settle(
        heldClaim(messageId, now),
        outcome,
        this.recordOf(head, destination, { outcome: 'refused', reason: outcome.reason }, classification),
        notice,
      );
    } catch (error) {
      if (!(error instanceof ClaimLostError)) await this.deps.index.release(messageId).catch(() => undefined);
      throw error;
    }
    await rawMail.move(objectKey, destination);
    return { ...outcome, messageId };
  }

  /** A Message-ID delivered again after it was processed: recorded, nothing else. */
  private async duplicate(
    mail: ParsedMail | undefined,
    messageId: string,
    objectKey: string,
    first: InboundOutcome,
  ): Promise<IngestResult> {
    const reason = `already processed: ${first.outcome}${first.ticketId ? ` (${first.ticketId})` : ''}${
      first.reason ? `, ${first.reason}` : ''
    }`;
    await this.deps.log.record(
      this.recordOf(mail, objectKey, { outcome: 'duplicate', reason: reason.slice(0, 500) }),
    );
    return { outcome: 'duplicate', messageId, first };
  }

  /** Record and outcome at once (a transaction), or apart: the record first, so a retry can only repeat it. */
  private async settle(
    claim: HeldClaim,
    outcome: InboundOutcome,
    record: MailRecord,
    notice?: SenderNotice,
  ): Promise<void> {
    if (this.deps.transactions) {
      await this.deps.transactions.settle(claim, outcome, record, notice);
      return;
    }
    await this.deps.log.record(record);
    await this.deps.index.complete(claim.messageId, outcome, this.deps.clock.now());
  }

  private recordOf(
    mail: ParsedMail | undefined,
    objectKey: string,
    outcome: { outcome: MailRecord['outcome']; reason?: string | undefined },
    classification?: Classification,
  ): MailRecord {
    return {
      at: this.deps.clock.now().toISOString(),
      objectKey,
      messageId: mail?.messageId,
      from: mail?.from ? normaliseAddress(mail.from.address) : undefined,
      subject: mail?.subject.slice(0, 200),
      outcome: outcome.outcome,
      reason: outcome.reason ?? '',
      ...(classification
        ? { classification: { kind: classification.kind, reasons: classification.reasons.slice(0, 10) } }
        : {}),
    };
  }
}

/** What threading found: the decision's view of it, the ticket and its thread as read. */
interface FoundThread {
  readonly match: ThreadMatch;
  readonly ticket: Ticket;
  readonly thread: MailThread | undefined;
}

interface MailContext {
  readonly mail: ParsedMail;
  readonly messageId: string;
  readonly claim: HeldClaim;
  readonly objectKey: string;
  readonly classification: Classification;
  readonly sender: Mailbox;
  readonly known: DirectoryEntry | undefined;
  readonly landed: PendingWrite | undefined;
}

type FileDraft = Omit<AttachmentRecord, 'ticketId' | 'commentId' | 'createdBy' | 'internal'>;

function recordsOf(
  files: readonly FileDraft[],
  ticketId: string,
  commentId: string | null,
  by: Caller,
  internal: boolean,
): AttachmentRecord[] {
  return files.map((file) => ({
    ...file,
    ticketId,
    commentId,
    internal,
    createdBy: { id: by.id, name: by.name },
  }));
}

/** What the claim notes before a ticket's or comment's commit. */
function pendingOf(write: TicketWrite): PendingWrite {
  return {
    ticketId: write.after.id,
    created: write.before === undefined,
    ...(write.comment ? { comment: { createdAt: write.comment.createdAt, id: write.comment.id } } : {}),
  };
}

/** The directory entry a sender seen for the first time gets (PersonDirectory.firstSight's). */
function firstSightEntry(sender: Mailbox): DirectoryEntry {
  const email = normaliseAddress(sender.address);
  return { id: personIdOf(email), email, name: sender.name || null, staff: false };
}

function quarantineKey(objectKey: string, folder: string): string {
  return `${QUARANTINE_PREFIX}${folder}/${objectKey.split('/').pop() ?? objectKey}`;
}

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
