import { CLOSURE_DETAIL_TYPES } from '../../functions/cmdb/closure-maintainer.js';
import { assembleClosureMaintainer } from '../../functions/cmdb/closures.function.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import { subscribe } from './bus-subscriber.js';
import type { Logger } from './log.js';

/** The CMDB closure maintainer on the local bus, matching lib/cmdb.ts's rule (docs/cmdb.md#closures). */
export function withClosures(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const maintainer = assembleClosureMaintainer(deps);
  return subscribe(
    bus,
    {
      name: 'CMDB closure maintenance',
      detailTypes: CLOSURE_DETAIL_TYPES,
      onEvents: (events) => maintainer.onEvents(events),
    },
    log,
  );
}
