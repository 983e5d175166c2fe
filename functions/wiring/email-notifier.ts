import { DynamoCommentReader } from '../adapters/dynamodb/mail-comment-reader.js';
import { DynamoPersonDirectory } from '../adapters/dynamodb/mail-directory.js';
import { DynamoNotificationLedger } from '../adapters/dynamodb/mail-notification-ledger.js';
import { DynamoSendLimiter } from '../adapters/dynamodb/mail-send-limiter.js';
import { DynamoMailThreads } from '../adapters/dynamodb/mail-threads.js';
import { DynamoMessageIndex } from '../adapters/dynamodb/message-id-index.js';
import { DynamoTicketRepository } from '../adapters/dynamodb/ticket-repository.js';
import { EmailNotifier } from '../domain/email/notifier.js';
import type { EmailNotifierDeps } from './email.js';

/** The notifier over DynamoDB (a module of its own: the notifier's bundle carries no MIME parser). */
export function emailNotifier(deps: EmailNotifierDeps): EmailNotifier {
  const { dynamo, tableName } = deps;
  return new EmailNotifier({
    settings: deps.settings,
    tickets: new DynamoTicketRepository(dynamo, tableName),
    comments: new DynamoCommentReader(dynamo, tableName),
    threads: new DynamoMailThreads(dynamo, tableName),
    index: new DynamoMessageIndex(dynamo, tableName),
    ledger: new DynamoNotificationLedger(dynamo, tableName),
    limiter: new DynamoSendLimiter(dynamo, tableName),
    people: new DynamoPersonDirectory(dynamo, tableName),
    mail: deps.mail,
    clock: deps.clock,
  });
}
