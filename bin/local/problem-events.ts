import { PROBLEM_EVENT_TYPES } from '../../functions/problems/cascade.js';
import { assembleProblemEvents } from '../../functions/problems/events.function.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import { subscribe } from './bus-subscriber.js';
import type { Logger } from './log.js';

/**
 * The problems consumer on the local bus, matching lib/problems.ts's rules: `Known Error Applied`
 * (usage counters) and cascading resolutions (the consumer itself skips resolutions without one).
 */
export function withProblemEvents(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const consumer = assembleProblemEvents(deps);
  return subscribe(
    bus,
    {
      name: 'problem events',
      detailTypes: PROBLEM_EVENT_TYPES,
      onEvents: (events) => consumer.onEvents(events),
    },
    log,
  );
}
