import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAttachmentRepository } from '../attachments/store/dynamodb-attachment-store.js';
import type { ObjectStore } from '../attachments/store/object-store.js';
import { ciDirectory } from '../cmdb/store/wiring.js';
import { groupStore } from '../groups/store/wiring.js';
import type { Clock } from '../shared/clock/clock.js';
import { idsOn } from '../shared/clock/ids.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { TicketService } from '../tickets/service.js';
import { DynamoTicketRepository } from '../tickets/store/dynamodb-ticket-store.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { EmailIngest } from './ingest.js';
import type { MailSender } from './mail/mail-sender.js';
import type { EmailSettings } from './settings.js';
import { DynamoPersonDirectory } from './store/mail-directory.js';
import { DynamoMailLog } from './store/mail-log.js';
import { DynamoMailThreads } from './store/mail-threads.js';
import { DynamoMailTransactions } from './store/mail-transactions.js';
import { DynamoMessageIndex } from './store/message-id-index.js';

/**
 * What the mail gateway's two functions need from outside: both the table and the settings; the
 * ingest function the buckets (raw mail in, attachments out), the notifier the mail sender. AWS
 * builds each from the environment (wiring/email-aws.ts), so neither bundles the other's clients;
 * the local runtime builds all of it from its local parts. Same services.
 */
export interface EmailBaseDeps {
  readonly tableName: string;
  readonly dynamo: DynamoDBDocumentClient;
  readonly clock: Clock;
  readonly settings: EmailSettings;
}

export interface EmailIngestDeps extends EmailBaseDeps {
  readonly rawMail: ObjectStore;
  readonly attachmentObjects: ObjectStore;
}

export interface EmailNotifierDeps extends EmailBaseDeps {
  readonly mail: MailSender;
}

export type EmailDeps = EmailIngestDeps & EmailNotifierDeps;

function ticketServiceFactory(deps: EmailBaseDeps): (store: TicketStore) => TicketService {
  const newId = idsOn(deps.clock);
  const groups = groupStore(deps);
  const slaConfig = slaConfigStore(deps);
  // Mailed tickets go to the mail default group (settings.ticketDefaults.group), when it exists.
  const options = { defaultGroup: deps.settings.ticketDefaults.group };
  const cis = ciDirectory(deps);
  return (store) => new TicketService(store, groups, slaConfig, cis, deps.clock, newId, options);
}

export function emailIngest(deps: EmailIngestDeps): EmailIngest {
  const { dynamo, tableName } = deps;
  return new EmailIngest({
    settings: deps.settings,
    rawMail: deps.rawMail,
    attachmentObjects: deps.attachmentObjects,
    ticketStore: new DynamoTicketRepository(dynamo, tableName),
    ticketService: ticketServiceFactory(deps),
    index: new DynamoMessageIndex(dynamo, tableName),
    threads: new DynamoMailThreads(dynamo, tableName),
    people: new DynamoPersonDirectory(dynamo, tableName),
    attachments: new DynamoAttachmentRepository(dynamo, tableName),
    log: new DynamoMailLog(dynamo, tableName),
    transactions: new DynamoMailTransactions(dynamo, tableName),
    clock: deps.clock,
  });
}
