import {
  assembleClosureMaintainer,
  assembleDrPostureMaintainer,
  CMDB_CONSUMER_DETAIL_TYPES,
} from '../../functions/cmdb/closures.function.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import { subscribe } from './bus-subscriber.js';
import type { Logger } from './log.js';

/**
 * The CMDB's consumer on the local bus, matching lib/cmdb.ts's rule: closures (docs/cmdb.md#closures)
 * and the disaster-recovery posture (docs/reports.md#disaster-recovery-posture).
 */
export function withClosures(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const maintainer = assembleClosureMaintainer(deps);
  const drPosture = assembleDrPostureMaintainer(deps);
  return subscribe(
    bus,
    {
      name: 'CMDB closure and DR posture maintenance',
      detailTypes: CMDB_CONSUMER_DETAIL_TYPES,
      onEvents: (events) => Promise.all([maintainer.onEvents(events), drPosture.onEvents(events)]),
    },
    log,
  );
}
