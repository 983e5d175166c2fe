import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { DynamoAttachmentRepository } from '../adapters/dynamodb/attachment-repository.js';

import { DynamoPersonDirectory } from '../adapters/dynamodb/mail-directory.js';
import { DynamoMailLog } from '../adapters/dynamodb/mail-log.js';
import { DynamoMailThreads } from '../adapters/dynamodb/mail-threads.js';
import { DynamoMessageIndex } from '../adapters/dynamodb/message-id-index.js';

import { DynamoTicketRepository } from '../adapters/dynamodb/ticket-repository.js';
import { EmailIngest } from '../domain/email/ingest.js';
import type { EmailSettings } from '../domain/email/settings.js';
import { TicketService } from '../domain/tickets/service.js';
import type { Clock } from '../ports/clock.js';
import type { MailSender } from '../ports/mail.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { TicketStore } from '../ports/ticket-store.js';
import { groupStore, slaConfigStore } from './stores.js';

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
  const ulid = monotonicFactory();
  const groups = groupStore(deps);
  const slaConfig = slaConfigStore(deps);
  return (store) =>
    new TicketService(store, groups, slaConfig, deps.clock, () => ulid(deps.clock.now().getTime()));
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
    clock: deps.clock,
  });
}
