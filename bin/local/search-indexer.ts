import { assembleSearchIndexer } from '../../functions/search/indexer.function.js';
import { INDEXED_DETAIL_TYPES } from '../../functions/search/indexer.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import type { Logger } from './log.js';

/**
 * The bus with the search indexer subscribed, as lib/search.ts's EventBridge rule subscribes it on
 * AWS: same detail types, same indexer, called after the events are published (so after the write
 * that caused them has answered: a write never waits for the index). A failure is logged, not
 * thrown: on AWS the rule retries and then dead-letters the event; the next write to the ticket
 * re-indexes it whole either way.
 */
export function withSearchIndex(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const indexer = assembleSearchIndexer(deps);
  return {
    publish: async (events) => {
      await bus.publish(events);
      const relevant = events.filter((event) =>
        (INDEXED_DETAIL_TYPES as readonly string[]).includes(event.detailType),
      );
      if (relevant.length === 0) return;
      try {
        await indexer.onEvents(relevant);
      } catch (error) {
        log.error('search indexing failed', error);
      }
    },
  };
}
