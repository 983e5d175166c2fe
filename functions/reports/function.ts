import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT, optional } from '../shared/wiring/environment.js';
import { createReportsHandler } from './http/handler.js';
import { DEFAULT_REPORTS_TIMEZONE } from './model.js';
import { type RebuildStarter, ReportService } from './report-service.js';
import { serviceHoursOf } from './service-hours.js';
import { reportsStore } from './store/wiring.js';

/** The reports function: reads of the aggregates and the rebuild's start (docs/reports.md). */
export const REPORTS_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  /** Stack config `reportsTimezone` (IANA); the days figures count in. */
  REPORTS_TIMEZONE: optional(DEFAULT_REPORTS_TIMEZONE),
  /** The background jobs function the rebuild is handed to (an async invoke). */
  REPORT_JOBS_FUNCTION: optional(),
});

export interface ReportsOptions {
  readonly timezone?: string;
  /** Hands a rebuild to the background (AWS: an async invoke of the jobs function; locally in-process). */
  readonly startRebuild: RebuildStarter;
}

/** One assembly for the Lambda entry and the local runtime. */
export function assembleReports(deps: HttpDeps, options: ReportsOptions): HttpHandler {
  const service = new ReportService({
    store: reportsStore(deps),
    clock: deps.clock,
    timezone: options.timezone ?? DEFAULT_REPORTS_TIMEZONE,
    serviceHours: serviceHoursOf(deps),
    startRebuild: options.startRebuild,
  });
  return createReportsHandler(service, tableApi(deps));
}
