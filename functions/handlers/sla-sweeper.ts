import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { DynamoSlaConfigRepository } from '../adapters/dynamodb/sla-config-repository.js';
import { DynamoTicketRepository } from '../adapters/dynamodb/ticket-repository.js';
import { SlaSweeper, type SweepSummary } from '../domain/sla/sweeper.js';
import type { Clock } from '../ports/clock.js';
import type { MailSender } from '../ports/mail.js';

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
