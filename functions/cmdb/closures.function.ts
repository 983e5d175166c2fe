import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, required } from '../shared/wiring/environment.js';
import { CLOSURE_DETAIL_TYPES, ClosureMaintainer, type ClosureOutcome } from './closure-maintainer.js';
import { DR_POSTURE_DETAIL_TYPES } from './dr-posture.js';
import { DrPostureMaintainer, type DrPostureOutcome } from './dr-posture-maintainer.js';
import { DynamoDrPostureStore } from './store/dynamodb-dr-posture-store.js';
import { cmdbStore } from './store/wiring.js';

/**
 * What the CMDB's consumer (lib/cmdb.ts's rule, bin/local/cmdb-closures.ts) receives: the closure
 * maintainer's events and the disaster-recovery posture's (docs/reports.md#disaster-recovery-posture).
 */
export const CMDB_CONSUMER_DETAIL_TYPES = [
  ...new Set<string>([...CLOSURE_DETAIL_TYPES, ...DR_POSTURE_DETAIL_TYPES]),
] as readonly string[];

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

/** The posture's maintainer over the table (it reads the CMDB, writes its own records). */
export function assembleDrPostureMaintainer(deps: TableDeps): DrPostureMaintainer {
  return new DrPostureMaintainer(cmdbStore(deps), new DynamoDrPostureStore(deps.dynamo, deps.tableName));
}

/** Each event goes to both; each ignores what is not its own, and both are idempotent under redelivery. */
export function createClosuresHandler(
  maintainer: ClosureMaintainer,
  drPosture?: DrPostureMaintainer,
): (event: BusEvent) => Promise<ClosureOutcome & { drPosture?: DrPostureOutcome }> {
  return async (event) => {
    const events = [{ detailType: event['detail-type'], detail: event.detail }];
    const [closures, posture] = await Promise.all([maintainer.onEvents(events), drPosture?.onEvents(events)]);
    return posture ? { ...closures, drPosture: posture } : closures;
  };
}
