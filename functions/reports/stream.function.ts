import { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { TableDeps } from '../shared/wiring/deps.js';
import type { ReportsAggregator } from './aggregator.js';
import { DEFAULT_REPORTS_TIMEZONE, reportsAggregator } from './wiring.js';

/**
 * What the aggregates follow, and all the mapping's filter passes: ticket items, change items, and
 * the `caused_by_change` link items on a change's partition (`INCIDENT#<id>`); its filter on the
 * projections mapping (functions/projections/function.ts).
 */
export const REPORTS_STREAM_FILTER = {
  dynamodb: { Keys: { SK: { S: ['TICKET', 'CHANGE', { prefix: 'INCIDENT#' }] } } },
};

/** The report aggregates' consumer of the projections mapping. */
export function assembleReportsStream(deps: TableDeps, timezone = DEFAULT_REPORTS_TIMEZONE) {
  return createReportsStreamHandler(reportsAggregator(deps, timezone));
}

/**
 * Stream records of ticket and change items in, aggregates moved (functions/reports/aggregator.ts).
 * A failing record is reported and the rest of the batch left for the retry, keeping each record's
 * changes in order; a redelivered record is a no-op (the per-record marker holds the version counted).
 */
export function createReportsStreamHandler(aggregator: ReportsAggregator) {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      try {
        const change = recordChangeOf(record);
        if (change?.kind === 'ticket')
          await aggregator.applyTicket(change.id, change.version, change.item, change.at);
        if (change?.kind === 'change') await aggregator.applyChange(change.id, change.at);
      } catch (error) {
        logger.error('report aggregates not moved; the stream will redeliver from this record', {
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

export interface RecordChange {
  readonly kind: 'ticket' | 'change';
  readonly id: string;
  readonly version: number;
  /** The item as it now is; undefined once removed. */
  readonly item: Record<string, unknown> | undefined;
  /** When it changed (the item's `updatedAt`, else the record's time). */
  readonly at: string;
}

/** The ticket or change a record shows (a link item shows its change), or undefined for any other item. */
export function recordChangeOf(record: DynamoDBRecord): RecordChange | undefined {
  const keys = record.dynamodb?.Keys;
  const sk = keys?.SK?.S;
  const pk = keys?.PK?.S ?? '';
  const kind =
    sk === 'TICKET' && pk.startsWith('TICKET#')
      ? 'ticket'
      : (sk === 'CHANGE' || sk?.startsWith('INCIDENT#')) && pk.startsWith('CHANGE#')
        ? 'change'
        : undefined;
  if (!kind) return undefined;
  const id = pk.slice(pk.indexOf('#') + 1);
  const read = (raw: unknown) =>
    unmarshall(raw as never, { wrapNumbers: (value: string) => Number(value) }) as Record<string, unknown>;
  const recordTime = record.dynamodb?.ApproximateCreationDateTime
    ? new Date(record.dynamodb.ApproximateCreationDateTime * 1000).toISOString()
    : new Date().toISOString();
  if (record.eventName === 'REMOVE' || !record.dynamodb?.NewImage) {
    const old = record.dynamodb?.OldImage ? read(record.dynamodb.OldImage) : undefined;
    return { kind, id, version: Number(old?.version ?? 0) + 1, item: undefined, at: recordTime };
  }
  const item = read(record.dynamodb.NewImage);
  return {
    kind,
    id,
    version: Number(item.version ?? 0),
    item,
    at: typeof item.updatedAt === 'string' ? item.updatedAt : recordTime,
  };
}
