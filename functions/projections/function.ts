import { assembleReportsStream, REPORTS_STREAM_FILTER } from '../reports/stream.function.js';
import { DEFAULT_REPORTS_TIMEZONE } from '../reports/wiring.js';
import { fanOutStreamBatch } from '../shared/stream/fan-out.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import { assembleTicketCounts, TICKET_COUNTS_STREAM_FILTER } from '../tickets/counts.function.js';

/** The table and the report time zone (the day a figure falls on). */
export const PROJECTIONS_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  REPORTS_TIMEZONE: optional(DEFAULT_REPORTS_TIMEZONE),
});

/**
 * The mapping's filters, one per consumer (a record passing either is delivered): ticket items for
 * the queue counts; ticket, change and `caused_by_change` link items for the report aggregates.
 */
export const PROJECTIONS_STREAM_FILTERS = [TICKET_COUNTS_STREAM_FILTER, REPORTS_STREAM_FILTER] as const;

/**
 * The table stream's second reader (the event publisher is the first): the projections computed
 * from item images — live queue counts and report aggregates — behind one event source mapping,
 * because DynamoDB advises at most two readers per shard. One assembly for the Lambda and the
 * local runtime's poller. Each consumer ignores the records it does not follow and keeps its own
 * per-record markers, so a batch retried for one is a no-op for the other.
 */
export function assembleProjections(deps: TableDeps, timezone = DEFAULT_REPORTS_TIMEZONE) {
  return fanOutStreamBatch([assembleTicketCounts(deps), assembleReportsStream(deps, timezone)]);
}
