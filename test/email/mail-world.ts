import { marshall } from '@aws-sdk/util-dynamodb';
import { InMemoryAttachmentStore } from '../../functions/attachments/store/in-memory-attachment-store.js';
import { LocalObjectStore } from '../../functions/attachments/store/local-object-store.js';
import { memoryBackend } from '../../functions/attachments/store/local-object-store-backend.js';
import { InMemoryChangeStore } from '../../functions/changes/store/in-memory-change-store.js';
import { EmailIngest, type IngestDeps } from '../../functions/email/ingest.js';
import type { MailSender, OutboundMail, SentMail } from '../../functions/email/mail/mail-sender.js';
import { OutboxMailSender } from '../../functions/email/mail/outbox-mail.js';
import {
  type DomainEventInput,
  EmailNotifier,
  type NotifierDeps,
  type NotifyOutcome,
} from '../../functions/email/notifier.js';
import { defaultEmailSettings, type EmailSettings } from '../../functions/email/settings.js';
import { inMemoryMailStores } from '../../functions/email/store/in-memory-mail-stores.js';
import { HISTORY_PREFIX } from '../../functions/shared/dynamodb/keys.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { eventsOf } from '../../functions/shared/outbox/stream-publisher.js';
import type { TicketStore } from '../../functions/tickets/store/ticket-store.js';
import { rawMail } from '../domain/email-fixtures.js';
import { world } from '../tickets/world.js';

/**
 * The mail gateway's use cases without Java: the ingest and the notifier on the in-memory mail
 * stores (one InMemoryTable, as production shares one table), the in-memory ticket, group, SLA and
 * change stores, the local outbox as the mail sender, and a TestClock frozen at T0 (Monday 10:00
 * UTC). Domain events come from the history entries the stores hold, turned into bus events by the
 * outbox publisher's own `eventsOf`, so the notifier sees what EventBridge would deliver.
 */
export const DOMAIN = 'opsdesk.test';
export const SUPPORT = `support@${DOMAIN}`;

/** A mail sender that fails the next `n` sends (SES throttling), then sends through `inner`. */
export class FlakyMail implements MailSender {
  private failures = 0;
  /** When set, what the sender reports as the Message-ID it sent with (SES replaces ours). */
  replaceMessageId: ((mail: OutboundMail) => string) | undefined;

  constructor(private readonly inner: MailSender) {}

  failNext(n = 1): void {
    this.failures = n;
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: the port's own return type
  async send(mail: OutboundMail): Promise<SentMail | void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SES throttled (test)');
    }
    const sent = await this.inner.send(mail);
    return this.replaceMessageId ? { headerMessageId: this.replaceMessageId(mail) } : sent;
  }
}

export type MailWorld = Awaited<ReturnType<typeof mailWorld>>;

export async function mailWorld(overrides: Partial<EmailSettings> = {}) {
  const w = await world();
  const { clock } = w;
  const settings: EmailSettings = { ...defaultEmailSettings(DOMAIN), ...overrides };
  const table = new InMemoryTable(() => clock.now().getTime());
  const stores = inMemoryMailStores(w.tickets, table);
  const changes = new InMemoryChangeStore(table);
  const outbox: OutboundMail[] = [];
  const mail = new FlakyMail(new OutboxMailSender(outbox, clock));
  const notifierDeps: NotifierDeps = {
    settings,
    tickets: w.tickets,
    comments: stores.comments,
    threads: stores.threads,
    index: stores.index,
    ledger: stores.ledger,
    limiter: stores.limiter,
    people: stores.people,
    groups: w.groups,
    changes,
    mail,
    clock,
  };
  const notifier = new EmailNotifier(notifierDeps);
  /** Another notifier (another Lambda container) on the same stores; `faults` replace parts of its ports. */
  const notifierWith = (faults: { ledger?: Partial<NotifierDeps['ledger']> } = {}) =>
    new EmailNotifier({
      ...notifierDeps,
      ledger: Object.assign(Object.create(stores.ledger), faults.ledger ?? {}),
    });

  const backend = memoryBackend();
  const signing = { key: new Uint8Array(32), baseUrl: () => 'http://127.0.0.1:9' };
  const rawMailBucket = new LocalObjectStore(backend, 'raw', signing, clock);
  const attachments = new InMemoryAttachmentStore();
  const ingestDeps: IngestDeps = {
    settings,
    rawMail: rawMailBucket,
    attachmentObjects: new LocalObjectStore(backend, 'attachments', signing, clock),
    ticketStore: w.tickets,
    ticketService: (store) => w.service(store),
    index: stores.index,
    threads: stores.threads,
    people: stores.people,
    attachments,
    log: stores.log,
    clock,
  };
  /** The ingest; `faults` replace parts of its ports (a crash, a failed write). */
  const ingester = (
    faults: { index?: Partial<IngestDeps['index']>; ticketStore?: Partial<TicketStore> } = {},
  ) =>
    new EmailIngest({
      ...ingestDeps,
      index: Object.assign(Object.create(stores.index), faults.index ?? {}),
      ticketStore: Object.assign(Object.create(w.tickets), faults.ticketStore ?? {}),
    });

  let mails = 0;
  /** Stores a raw mail in the raw-mail bucket (what SES or the SMTP listener does); its object key. */
  async function receive(headers: readonly string[], body = 'body text'): Promise<string> {
    const key = `inbox/${String(++mails).padStart(4, '0')}`;
    await rawMailBucket.put(key, rawMail(headers, body), 'message/rfc822');
    return key;
  }

  /** Receives and ingests a mail from `from` to support (headers may add or override). */
  async function mailIn(from: string, subject: string, body = 'body text', extra: readonly string[] = []) {
    const key = await receive([`From: ${from}`, `To: ${SUPPORT}`, `Subject: ${subject}`, ...extra], body);
    return ingester().ingest(key);
  }

  // The outbox publisher: every history entry not yet published, as the bus events it carries.
  const published = new Set<string>();
  async function newEvents(kind: 'ticket' | 'change', id: string): Promise<DomainEventInput[]> {
    const entries =
      kind === 'ticket'
        ? (await w.tickets.listHistory(id, { limit: 1000 })).items
        : (await changes.listHistory(id, { limit: 1000 })).items;
    const events: DomainEventInput[] = [];
    for (const entry of entries) {
      if (published.has(entry.id)) continue;
      published.add(entry.id);
      const image = marshall(
        { ...entry, SK: `${HISTORY_PREFIX}${entry.at}#${entry.id}` },
        {
          removeUndefinedValues: true,
        },
      );
      events.push(...eventsOf({ eventName: 'INSERT', dynamodb: { NewImage: image as never } }));
    }
    return events;
  }

  /** Publishes the record's new events to the notifier, one by one; what it answered to each. */
  async function notify(kind: 'ticket' | 'change', id: string): Promise<[string, NotifyOutcome][]> {
    const outcomes: [string, NotifyOutcome][] = [];
    for (const event of await newEvents(kind, id)) {
      outcomes.push([event.detailType, await notifier.handle(event)]);
    }
    return outcomes;
  }

  return {
    ...w,
    settings,
    table,
    stores,
    changes,
    outbox,
    mail,
    notifier,
    notifierWith,
    attachments,
    rawMail: rawMailBucket,
    ingester,
    receive,
    mailIn,
    newEvents,
    notify,
    /** Mail sent to this address (To or Cc). */
    mailTo: (address: string) => outbox.filter((m) => m.to.includes(address) || m.cc?.includes(address)),
  };
}
