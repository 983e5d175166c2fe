import { assembleSearchIndexer } from '../../functions/search/indexer.function.js';
import { INDEXED_DETAIL_TYPES } from '../../functions/search/indexer.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import { subscribe } from './bus-subscriber.js';
import type { Logger } from './log.js';

/** The search indexer on the local bus, matching lib/search.ts's rule (docs/search.md#indexing). */
export function withSearchIndex(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const indexer = assembleSearchIndexer(deps);
  return subscribe(
    bus,
    {
      name: 'search indexing',
      detailTypes: INDEXED_DETAIL_TYPES,
      onEvents: (events) => indexer.onEvents(events),
    },
    log,
  );
}
