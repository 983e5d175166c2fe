import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { assertRebuilder, assertReportReader, type ReportService } from '../report-service.js';
import { REPORTS_CONTRACT as CONTRACT } from './contract.js';

/** The reports (docs/reports.md): reads of the aggregates, and the rebuild. */
export function createReportsHandler(reports: ReportService, api: ApiBuilder): HttpHandler {
  return api({
    'GET /reports/incidents': operation({
      ...CONTRACT['GET /reports/incidents'],
      authorize: assertReportReader,
      handle: async ({ caller, query }) => ({ status: 200, body: await reports.incidents(caller, query) }),
    }),
    'GET /reports/changes': operation({
      ...CONTRACT['GET /reports/changes'],
      authorize: assertReportReader,
      handle: async ({ caller, query }) => ({ status: 200, body: await reports.changes(caller, query) }),
    }),
    'GET /reports/csat': operation({
      ...CONTRACT['GET /reports/csat'],
      authorize: assertReportReader,
      handle: async ({ caller, query }) => ({ status: 200, body: await reports.csat(caller, query) }),
    }),
    'GET /reports/backlog': operation({
      ...CONTRACT['GET /reports/backlog'],
      authorize: assertReportReader,
      handle: async ({ caller, query }) => ({ status: 200, body: await reports.backlog(caller, query) }),
    }),
    'GET /reports/availability': operation({
      ...CONTRACT['GET /reports/availability'],
      authorize: assertReportReader,
      handle: async ({ caller, query }) => ({ status: 200, body: await reports.availability(caller, query) }),
    }),
    'POST /reports/rebuild': operation({
      ...CONTRACT['POST /reports/rebuild'],
      authorize: assertRebuilder,
      handle: async ({ caller, body }) => ({ status: 202, body: await reports.rebuild(caller, body) }),
    }),
  });
}
