import type { DomainEvent, EventBus } from './event-bus.js';

const DEFAULT_CAPACITY = 10_000;

/**
 * The local stand-in for EventBridge: keeps what would have been put on the bus, in publish order,
 * for `GET /_local/events` and tests. Bounded (oldest dropped first) so a long-running local stack
 * does not grow without limit.
 */
export class RecordingEventBus implements EventBus {
  private readonly events: DomainEvent[] = [];

  constructor(private readonly capacity: number = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
    const excess = this.events.length - this.capacity;
    if (excess > 0) this.events.splice(0, excess);
  }

  /** Recorded events, oldest first (a copy). */
  list(): DomainEvent[] {
    return [...this.events];
  }

  clear(): void {
    this.events.length = 0;
  }
}
