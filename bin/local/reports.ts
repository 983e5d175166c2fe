import { assembleReportsEvents, CSAT_DETAIL_TYPES } from '../../functions/reports/events.function.js';
import { DEFAULT_REPORTS_TIMEZONE, reportJobs } from '../../functions/reports/wiring.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { TableDeps } from '../../functions/shared/wiring/deps.js';
import { subscribe } from './bus-subscriber.js';
import type { Logger } from './log.js';

/** `reports.timezone` locally: REPORTS_TIMEZONE in the environment of `npm start` (default UTC). */
export function localReportsTimezone(): string {
  return process.env.REPORTS_TIMEZONE?.trim() || DEFAULT_REPORTS_TIMEZONE;
}

/**
 * Rebuilds in the background of the local process, as the async invoke of the jobs function does
 * on AWS: the request answers 202 first; a failure is logged.
 */
export function localRebuildStarter(deps: TableDeps, log: Logger = console) {
  const jobs = reportJobs(deps, localReportsTimezone());
  return async (range: { from: string; to: string }) => {
    setImmediate(() => {
      jobs.rebuild(range).catch((error: unknown) => log.error('report rebuild failed', error));
    });
  };
}

/** The CSAT aggregator on the local bus, matching lib/reports.ts's rule. */
export function withReportEvents(bus: EventBus, deps: TableDeps, log: Logger): EventBus {
  const consumer = assembleReportsEvents(deps, localReportsTimezone());
  return subscribe(
    bus,
    {
      name: 'CSAT report aggregates',
      detailTypes: CSAT_DETAIL_TYPES,
      onEvents: (events) => consumer.onEvents(events),
    },
    log,
  );
}

/**
 * The nightly backlog snapshot locally: checked on every sweep (timer and POST /_local/sweep),
 * written once it is 00:05 report time or later and not written yet (on AWS: a Scheduler cron).
 */
export function localSnapshotJob(deps: TableDeps, log: Logger) {
  const jobs = reportJobs(deps, localReportsTimezone());
  return async () => {
    try {
      return await jobs.snapshotIfDue();
    } catch (error) {
      log.error('backlog snapshot failed', error);
      return [];
    }
  };
}
