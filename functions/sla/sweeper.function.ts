import { monotonicFactory } from 'ulid';
import { groupStore } from '../groups/store/wiring.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, required } from '../shared/wiring/environment.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { slaConfigStore } from './store/wiring.js';
import { SlaSweeper } from './sweeper.js';
import { createSlaSweepHandler } from './sweeper-handler.js';

/** The SLA sweeper (every minute): the table only; its notices are events the notifier mails. */
export const SLA_SWEEPER_ENVIRONMENT = defineEnvironment({ TABLE_NAME: required() });

export function assembleSlaSweeper(deps: TableDeps) {
  const ulid = monotonicFactory();
  // Through the same per-container caches as the HTTP functions (docs/performance.md).
  const sweeper = new SlaSweeper(ticketStore(deps), slaConfigStore(deps), groupStore(deps), deps.clock, () =>
    ulid(deps.clock.now().getTime()),
  );
  return createSlaSweepHandler(sweeper);
}
