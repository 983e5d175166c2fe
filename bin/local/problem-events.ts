import { PROBLEM_EVENT_TYPES } from '../../functions/problems/cascade.js';
import { assembleProblemEvents } from '../../functions/problems/events.function.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import type { Logger } from './log.js';

/**
 * The bus with the problems consumer subscribed, as lib/problems.ts's EventBridge rules subscribe
 * it on AWS: `Known Error Applied` (usage counters) and cascading resolutions, called after the
 * events are published. A failure is logged, not thrown: on AWS the rule retries and then
 * dead-letters the event; both kinds of work are idempotent, so a replay is safe.
 */
export function withProblemEvents(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const consumer = assembleProblemEvents(deps);
  return {
    publish: async (events) => {
      await bus.publish(events);
      const relevant = events.filter((event) =>
        (PROBLEM_EVENT_TYPES as readonly string[]).includes(event.detailType),
      );
      if (relevant.length === 0) return;
      try {
        await consumer.onEvents(relevant);
      } catch (error) {
        log.error('problem events failed', error);
      }
    },
  };
}
