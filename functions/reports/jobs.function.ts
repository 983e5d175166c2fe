import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import type { RebuildResult } from './jobs.js';
import { DEFAULT_REPORTS_TIMEZONE, reportJobs } from './wiring.js';

/** The reports' background jobs: the table and the report time zone. */
export const REPORT_JOBS_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  REPORTS_TIMEZONE: optional(DEFAULT_REPORTS_TIMEZONE),
});

/** What invokes it: the rebuild (an async invoke from the reports function) or the nightly schedule. */
export type ReportJobEvent =
  | { readonly job: 'rebuild'; readonly from: string; readonly to: string }
  | { readonly job: 'backlog-snapshot' };

export function assembleReportJobs(deps: TableDeps, timezone = DEFAULT_REPORTS_TIMEZONE) {
  const jobs = reportJobs(deps, timezone);
  return async (event: ReportJobEvent): Promise<RebuildResult | { written: string[] }> => {
    if (event.job === 'rebuild') return jobs.rebuild({ from: event.from, to: event.to });
    if (event.job === 'backlog-snapshot') return { written: await jobs.snapshotIfDue() };
    throw new Error(`unknown report job ${JSON.stringify((event as { job?: unknown }).job)}`);
  };
}
