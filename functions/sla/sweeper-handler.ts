import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { MailSender } from '../email/mail/mail-sender.js';
import { DynamoGroupRepository } from '../groups/store/dynamodb-group-store.js';
import type { Clock } from '../shared/clock/clock.js';
import { DynamoTicketRepository } from '../tickets/store/dynamodb-ticket-store.js';
import { DynamoSlaConfigRepository } from './store/dynamodb-sla-config-store.js';
import { SlaSweeper, type SweepSummary } from './sweeper.js';

export interface SweeperDeps {
  readonly tableName: string;
  readonly dynamo: DynamoDBDocumentClient;
  readonly clock: Clock;
  readonly mail: MailSender;
  readonly mailDomain: string;
}

/** The SLA sweep as a function: the Lambda runs it every minute, the local runtime on a timer. */
export function createSlaSweepHandler(deps: SweeperDeps): () => Promise<SweepSummary> {
  const logger = new Logger({ serviceName: 'opsdesk' });
  const ulid = monotonicFactory();
  const sweeper = new SlaSweeper(
    new DynamoTicketRepository(deps.dynamo, deps.tableName),
    new DynamoSlaConfigRepository(deps.dynamo, deps.tableName),
    new DynamoGroupRepository(deps.dynamo, deps.tableName),
    deps.mail,
    deps.clock,
    () => ulid(deps.clock.now().getTime()),
    { mailDomain: deps.mailDomain, log: (message, detail) => logger.warn(message, detail) },
  );
  return async () => {
    const summary = await sweeper.sweep();
    if (summary.examined > 0) logger.info('SLA sweep', { ...summary });
    return summary;
  };
}
