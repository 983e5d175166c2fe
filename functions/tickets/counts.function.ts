import { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { TableDeps } from '../shared/wiring/deps.js';
import { countTicket } from './counts.js';
import { type Ticket, withTicketDefaults } from './model.js';
import { DynamoTicketCountStore } from './store/dynamodb-ticket-count-store.js';
import type { TicketCountStore } from './store/ticket-count-store.js';

/** The sort key of ticket items: the only records the consumer reads (the mapping's filter says the same). */
export const COUNTED_RECORD_SK = 'TICKET';

/**
 * The consumer's filter on the projections mapping (functions/projections): only ticket items are
 * counted, so history, comments, queue items and the counters themselves never reach it.
 */
export const TICKET_COUNTS_STREAM_FILTER = { dynamodb: { Keys: { SK: { S: [COUNTED_RECORD_SK] } } } };

/** The queue counts' consumer of the projections mapping (functions/projections/function.ts). */
export function assembleTicketCounts(deps: TableDeps) {
  return createTicketCountsHandler({ counts: new DynamoTicketCountStore(deps.dynamo, deps.tableName) });
}

/**
 * Stream records of ticket items in, counters moved (functions/tickets/counts.ts). A failing record
 * is reported and the rest of the batch left for the retry, keeping each ticket's records in order;
 * a redelivered record is a no-op (the per-ticket marker holds the version counted).
 */
export function createTicketCountsHandler({ counts }: { counts: TicketCountStore }) {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      try {
        const change = ticketChangeOf(record);
        if (change) await countTicket(counts, change.id, change.ticket, change.version);
      } catch (error) {
        logger.error('queue counts not moved; the stream will redeliver from this record', {
          eventID: record.eventID,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          error: error as Error,
        });
        return {
          batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' }],
        };
      }
    }
    return { batchItemFailures: [] };
  };
}

/** The ticket a record shows (undefined when removed), or undefined for any other item. */
export function ticketChangeOf(
  record: DynamoDBRecord,
): { id: string; version: number; ticket: Ticket | undefined } | undefined {
  const keys = record.dynamodb?.Keys;
  if (keys?.SK?.S !== COUNTED_RECORD_SK || !keys.PK?.S?.startsWith('TICKET#')) return undefined;
  const id = keys.PK.S.slice('TICKET#'.length);
  const image = record.eventName === 'REMOVE' ? undefined : record.dynamodb?.NewImage;
  const old = record.dynamodb?.OldImage;
  const read = (raw: typeof image) =>
    unmarshall(raw as never, { wrapNumbers: (value: string) => Number(value) }) as Record<string, unknown>;
  if (!image) {
    // Gone: counted out, after whatever version it last had.
    const last = old ? Number(read(old).version) : 0;
    return { id, version: last + 1, ticket: undefined };
  }
  const { PK: _pk, SK: _sk, ...item } = read(image);
  const ticket = withTicketDefaults(item as unknown as Ticket);
  return { id, version: ticket.version, ticket };
}
