import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, required } from '../shared/wiring/environment.js';
import type { Comment } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { type IndexOutcome, TicketIndexer, type TicketText } from './indexer.js';
import { searchIndexStore } from './store/wiring.js';

/** The search indexer: the table only. */
export const SEARCH_INDEXER_ENVIRONMENT = defineEnvironment({ TABLE_NAME: required() });

/** An EventBridge event as the rule delivers it (only what the indexer reads). */
export interface BusEvent {
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
}

/** A ticket's text from the ticket store: the ticket, and its comments page by page (bounded). */
export function ticketText(store: TicketStore): TicketText {
  return {
    ticket: (id) => store.get(id),
    comments: async (id, limit) => {
      const comments: Comment[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await store.listComments(
          id,
          { limit: Math.min(100, limit - comments.length), startKey },
          { publicOnly: false },
        );
        comments.push(...page.items);
        startKey = page.lastKey;
      } while (startKey && comments.length < limit);
      return comments;
    },
  };
}

/** One assembly for the Lambda (an EventBridge rule target) and the local runtime (a bus subscriber). */
export function assembleSearchIndexer(deps: TableDeps): TicketIndexer {
  return new TicketIndexer(ticketText(ticketStore(deps)), searchIndexStore(deps));
}

export function createSearchIndexerHandler(
  indexer: TicketIndexer,
): (event: BusEvent) => Promise<IndexOutcome> {
  return (event) => indexer.onEvents([{ detailType: event['detail-type'], detail: event.detail }]);
}
