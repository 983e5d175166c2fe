import { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { unpackHistoryEvents } from '../dynamodb/history-item.js';
import { HISTORY_PREFIX } from '../dynamodb/keys.js';
import type { BusinessMetricsRecorder } from '../observability/business-metrics.js';
import type { DomainEvent, EventBus } from './event-bus.js';
import type { OutboxEntry } from './outbox-entry.js';

/** EventBridge's entry limit is 256 KB; details above this lose their from/to values. */
const MAX_DETAIL_BYTES = 200 * 1024;

/**
 * The outbox publisher. Every change writes a history entry in its own transaction; the entry
 * carries the change's events. This handler reads new history entries from the table's stream
 * and puts their events on the bus, so an event exists exactly when its change committed, even
 * if the API handler died right after writing.
 *
 * It also counts business metrics (tickets created, SLA breaches, approvals) from the events it
 * publishes: every event of every source passes here exactly when its change committed.
 */
export function createStreamPublisherHandler({
  bus,
  metrics,
}: {
  bus: EventBus;
  /** Absent locally: the local runtime has no CloudWatch to send metrics to. */
  metrics?: BusinessMetricsRecorder;
}) {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    // Reports a failing record and stops: Lambda retries from it, keeping the stream's order, and
    // after its retry budget sends it to the dead-letter queue and goes on with the next ones.
    const fail = (record: DynamoDBRecord, message: string, error: unknown): DynamoDBBatchResponse => {
      logger.error(message, {
        eventID: record.eventID,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
      metrics?.flush();
      return {
        batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' }],
      };
    };
    for (const record of event.Records) {
      let events: DomainEvent[];
      try {
        events = eventsOf(record);
      } catch (error) {
        // A history entry whose image cannot be read: skipping it would lose its events.
        return fail(
          record,
          'unreadable history entry; the stream will redeliver, then dead-letter it',
          error,
        );
      }
      if (events.length === 0) continue;
      try {
        await bus.publish(events);
      } catch (error) {
        return fail(record, 'publish failed; the stream will redeliver from this record', error);
      }
      // Counted once published, so a redelivered record is not counted twice.
      metrics?.record(events);
    }
    metrics?.flush();
    return { batchItemFailures: [] };
  };
}

/**
 * The domain events a stream record carries: only inserts of history entries have any. Other items
 * are told apart by their sort key alone and never unmarshalled, so whatever attribute shapes they
 * hold (an empty map, a set, a type newer than this code) cannot fail the batch. A history entry
 * that cannot be unmarshalled throws: the handler reports it, to be retried and dead-lettered.
 */
export function eventsOf(record: DynamoDBRecord): DomainEvent[] {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return [];
  const sortKey = image.SK?.S;
  if (typeof sortKey !== 'string' || !sortKey.startsWith(HISTORY_PREFIX)) return [];
  const stored = unmarshall(image as never, {
    // Numbers come back as the JavaScript numbers they were written from: a BigInt (what a large
    // one becomes by default) cannot be serialised into an event.
    wrapNumbers: (value: string) => Number(value),
  }) as Partial<OutboxEntry> & { SK?: string };
  const item = unpackHistoryEvents(stored);
  if (!Array.isArray(item.events)) return [];
  return item.events.map((event, index) => ({
    detailType: event.detailType,
    time: item.at!,
    detail: bounded({
      eventId: item.events!.length === 1 ? item.id! : `${item.id}-${index}`,
      recordId: item.recordId,
      actor: item.actor,
      at: item.at,
      ...event.detail,
    }),
  }));
}

function bounded<T extends { eventId: string }>(detail: T): T {
  if (Buffer.byteLength(JSON.stringify(detail)) <= MAX_DETAIL_BYTES) return detail;
  const changes = (detail as { changes?: { field: string }[] }).changes;
  return {
    ...detail,
    changes: changes?.map((change) => ({ field: change.field, truncated: true })),
  };
}
