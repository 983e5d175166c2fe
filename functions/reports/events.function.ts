import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import { type ApplyOutcome, ReportsAggregator } from './aggregator.js';
import { CSAT_DETAIL_TYPES, csatEventOf } from './csat-events.js';
import { DEFAULT_REPORTS_TIMEZONE } from './model.js';
import { reportsStore } from './store/wiring.js';

/** The CSAT consumer on the bus: the table and the report time zone. */
export const REPORTS_EVENTS_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  REPORTS_TIMEZONE: optional(DEFAULT_REPORTS_TIMEZONE),
});

export { CSAT_DETAIL_TYPES };

/** An EventBridge event as the rule delivers it (only what the consumer reads). */
export interface BusEvent {
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
}

/** Applies survey events to the CSAT aggregates, each once (AGGAPPLIED#<eventId>). */
export function assembleReportsEvents(deps: TableDeps, timezone = DEFAULT_REPORTS_TIMEZONE) {
  // Survey events need no change lookups: the aggregator over the store alone.
  return reportEventsConsumer(new ReportsAggregator(reportsStore(deps), timezone));
}

export function reportEventsConsumer(aggregator: ReportsAggregator) {
  return {
    onEvents: async (
      events: readonly { readonly detailType: string; readonly detail: Record<string, unknown> }[],
    ): Promise<ApplyOutcome[]> => {
      const outcomes: ApplyOutcome[] = [];
      for (const event of events) {
        const csat = csatEventOf(event.detailType, event.detail);
        outcomes.push(csat ? await aggregator.applyCsat(csat) : 'ignored');
      }
      return outcomes;
    },
  };
}

export function createReportsEventsHandler(consumer: ReturnType<typeof reportEventsConsumer>) {
  return async (event: BusEvent) =>
    (await consumer.onEvents([{ detailType: event['detail-type'], detail: event.detail }]))[0];
}
