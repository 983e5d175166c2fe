import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, required } from '../shared/wiring/environment.js';
import { ClosureMaintainer, type ClosureOutcome } from './closure-maintainer.js';
import { cmdbStore } from './store/wiring.js';

/** The closure maintainer: the table only. */
export const CMDB_CLOSURES_ENVIRONMENT = defineEnvironment({ TABLE_NAME: required() });

/** An EventBridge event as the rule delivers it (only what the maintainer reads). */
export interface BusEvent {
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
}

/** One assembly for the Lambda (an EventBridge rule target) and the local runtime (a bus subscriber). */
export function assembleClosureMaintainer(deps: TableDeps): ClosureMaintainer {
  return new ClosureMaintainer(cmdbStore(deps), deps.clock);
}

export function createClosuresHandler(
  maintainer: ClosureMaintainer,
): (event: BusEvent) => Promise<ClosureOutcome> {
  return (event) => maintainer.onEvents([{ detailType: event['detail-type'], detail: event.detail }]);
}
