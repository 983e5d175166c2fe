import { DynamoChangeRepository } from '../changes/store/dynamodb-change-store.js';
import { DynamoGroupRepository } from '../groups/store/dynamodb-group-store.js';
import { DynamoTicketRepository } from '../tickets/store/dynamodb-ticket-store.js';
import { EmailNotifier } from './notifier.js';
import { DynamoCommentReader } from './store/mail-comment-reader.js';
import { DynamoPersonDirectory } from './store/mail-directory.js';
import { DynamoNotificationLedger } from './store/mail-notification-ledger.js';
import { DynamoSendLimiter } from './store/mail-send-limiter.js';
import { DynamoMailThreads } from './store/mail-threads.js';
import { DynamoMessageIndex } from './store/message-id-index.js';
import type { EmailNotifierDeps } from './wiring.js';

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
    groups: new DynamoGroupRepository(dynamo, tableName),
    changes: new DynamoChangeRepository(dynamo, tableName),
    mail: deps.mail,
    clock: deps.clock,
  });
}
