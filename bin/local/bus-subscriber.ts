import type { DomainEvent, EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { Logger } from './log.js';

/** A background consumer as an EventBridge rule sees it: the detail types it matches, what it does. */
export interface LocalSubscriber {
  /** Named in the log line when it fails. */
  readonly name: string;
  readonly detailTypes: readonly string[];
  readonly onEvents: (events: readonly DomainEvent[]) => Promise<unknown>;
}

/**
 * The bus with one consumer subscribed, as its EventBridge rule subscribes it on AWS: called after
 * the events are published (so after the write that caused them has answered; a write never waits
 * for a consumer), with only the detail types the rule matches. A failure is logged, not thrown:
 * on AWS the rule retries and then dead-letters the event, and every consumer is idempotent, so a
 * replay or the next event mends what a failure left.
 */
export function subscribe(bus: EventBus, subscriber: LocalSubscriber, log: Logger): EventBus {
  return {
    publish: async (events) => {
      await bus.publish(events);
      const relevant = events.filter((event) => subscriber.detailTypes.includes(event.detailType));
      if (relevant.length === 0) return;
      try {
        await subscriber.onEvents(relevant);
      } catch (error) {
        log.error(`${subscriber.name} failed`, error);
      }
    },
  };
}
