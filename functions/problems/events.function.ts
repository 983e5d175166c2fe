import { idsOn } from '../shared/clock/ids.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, required } from '../shared/wiring/environment.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { ProblemEvents, type ProblemEventsOutcome } from './cascade.js';
import { knownErrorStore } from './store/wiring.js';

/** The problems event consumer: the table only. */
export const PROBLEM_EVENTS_ENVIRONMENT = defineEnvironment({ TABLE_NAME: required() });

/** An EventBridge event as the rule delivers it (only what the consumer reads). */
export interface BusEvent {
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
}

/** One assembly for the Lambda (an EventBridge rule target) and the local runtime (a bus subscriber). */
export function assembleProblemEvents(deps: TableDeps): ProblemEvents {
  return new ProblemEvents(
    ticketStore(deps),
    knownErrorStore(deps),
    slaConfigStore(deps),
    deps.clock,
    idsOn(deps.clock),
  );
}

export function createProblemEventsHandler(
  consumer: ProblemEvents,
): (event: BusEvent) => Promise<ProblemEventsOutcome> {
  return (event) => consumer.onEvents([{ detailType: event['detail-type'], detail: event.detail }]);
}
