import { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { HISTORY_PREFIX } from '../adapters/dynamodb/keys.js';
import type { HistoryEntry } from '../domain/tickets/model.js';
import type { BusinessMetricsRecorder } from '../observability/business-metrics.js';
import type { DomainEvent, EventBus } from '../ports/event-bus.js';

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
    for (const record of event.Records) {
      const events = eventsOf(record);
      if (events.length === 0) continue;
      try {
        await bus.publish(events);
      } catch (error) {
        // Report this record and stop: Lambda retries from it, keeping the stream's order.
        logger.error('publish failed; the stream will redeliver from this record', {
          eventID: record.eventID,
          error: error as Error,
        });
        metrics?.flush();
        return {
          batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' }],
        };
      }
      // Counted once published, so a redelivered record is not counted twice.
      metrics?.record(events);
    }
    metrics?.flush();
    return { batchItemFailures: [] };
  };
}

/** The domain events a stream record carries: only inserts of history entries have any. */
export function eventsOf(record: DynamoDBRecord): DomainEvent[] {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return [];
  const item = unmarshall(image as never) as Partial<HistoryEntry> & { SK?: string };
  if (!item.SK?.startsWith(HISTORY_PREFIX) || !Array.isArray(item.events)) return [];
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
