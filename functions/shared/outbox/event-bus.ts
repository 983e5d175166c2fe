/** A domain event as it goes onto the bus (docs/architecture.md#events-the-outbox). */
export interface DomainEvent {
  /** EventBridge `detail-type`, e.g. `Ticket Created`. */
  readonly detailType: string;
  /** EventBridge `detail`: always carries `eventId` so consumers can drop duplicates. */
  readonly detail: { readonly eventId: string } & Record<string, unknown>;
  /** When the change happened (ISO 8601). */
  readonly time: string;
}

/** Where events go. AWS: EventBridge PutEvents; locally: an in-memory recorder behind `GET /_local/events`. */
export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

export const EVENT_SOURCE = 'opsdesk';
