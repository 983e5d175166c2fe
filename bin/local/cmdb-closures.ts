import { CLOSURE_DETAIL_TYPES } from '../../functions/cmdb/closure-maintainer.js';
import { assembleClosureMaintainer } from '../../functions/cmdb/closures.function.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import type { Logger } from './log.js';

/**
 * The bus with the CMDB closure maintainer subscribed, as lib/cmdb.ts's EventBridge rule
 * subscribes it on AWS: same detail types, same maintainer, called after the events are published.
 * A failure is logged, not thrown: on AWS the rule retries and then dead-letters the event, and the
 * events themselves were delivered either way (the next relationship change recomputes the same
 * services).
 */
export function withClosures(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const maintainer = assembleClosureMaintainer(deps);
  return {
    publish: async (events) => {
      await bus.publish(events);
      const relevant = events.filter((event) =>
        (CLOSURE_DETAIL_TYPES as readonly string[]).includes(event.detailType),
      );
      if (relevant.length === 0) return;
      try {
        await maintainer.onEvents(relevant);
      } catch (error) {
        log.error('CMDB closure maintenance failed', error);
      }
    },
  };
}
