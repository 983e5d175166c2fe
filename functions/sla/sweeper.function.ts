import { AlertFlapTimers } from '../alerts/flap-timers.js';
import { assembleIntake } from '../alerts/intake.function.js';
import { alertStore } from '../alerts/store/wiring.js';
import { ApprovalTimers } from '../catalog/approval-timers.js';
import { catalogStore } from '../catalog/store/wiring.js';
import { cmdbStore } from '../cmdb/store/wiring.js';
import { WarrantyReminders } from '../cmdb/warranty.js';
import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import { ticketStore } from '../tickets/store/wiring.js';
import type { NoticeRouting } from './notices.js';
import { slaConfigStore } from './store/wiring.js';
import { SlaSweeper } from './sweeper.js';
import { createSlaSweepHandler } from './sweeper-handler.js';

/**
 * The sweeper (every minute): SLA clocks and the other timers of the due index (CMDB warranty
 * reminders); the table only; its notices are events the notifier mails.
 */
export const SLA_SWEEPER_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  /** `on` when the stack mails staff notices (it has an email domain), else `off`. */
  NOTICE_MAIL: optional('off'),
  /** Where notices go that reach no assignee or group address (the notifier's fallback); empty: none. */
  NOTICE_FALLBACK_ADDRESS: optional(),
});

/** The sweeper's view of notice delivery from its environment: it reports what nobody would receive. */
export function noticeRoutingFrom(env: {
  readonly NOTICE_MAIL: string;
  readonly NOTICE_FALLBACK_ADDRESS: string;
}): NoticeRouting {
  return { mail: env.NOTICE_MAIL === 'on', fallbackAddress: env.NOTICE_FALLBACK_ADDRESS || null };
}

export function assembleSlaSweeper(deps: TableDeps, routing: NoticeRouting) {
  // Through the same per-container caches as the HTTP functions (docs/performance.md).
  const sweeper = new SlaSweeper(
    ticketStore(deps),
    slaConfigStore(deps),
    groupStore(deps),
    deps.clock,
    idsOn(deps.clock),
    routing,
  );
  const warranty = new WarrantyReminders(cmdbStore(deps), deps.clock, idsOn(deps.clock));
  const requestApprovals = new ApprovalTimers(
    ticketStore(deps),
    catalogStore(deps),
    slaConfigStore(deps),
    deps.clock,
    idsOn(deps.clock),
  );
  // Alert flap quiet ends: the intake's own rules end them (docs/alerts.md#flapping).
  const alertFlaps = new AlertFlapTimers(alertStore(deps), assembleIntake(deps), deps.clock);
  return createSlaSweepHandler(sweeper, { warranty, requestApprovals, alertFlaps });
}
