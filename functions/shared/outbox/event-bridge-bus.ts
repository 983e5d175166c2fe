import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, EVENT_SOURCE, type EventBus } from './event-bus.js';

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES = 10;

/** The AWS event bus: EventBridge PutEvents on the stack's custom bus. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += MAX_ENTRIES) {
      const chunk = events.slice(start, start + MAX_ENTRIES);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((event) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.time),
          })),
        }),
      );
      // A partial failure must fail the batch, so the stream redelivers (consumers drop duplicates by eventId).
      if (out.FailedEntryCount) {
        const failed = (out.Entries ?? []).find((entry) => entry.ErrorCode);
        throw new Error(
          `EventBridge rejected ${out.FailedEntryCount} events: ${failed?.ErrorCode} ${failed?.ErrorMessage}`,
        );
      }
    }
  }
}
