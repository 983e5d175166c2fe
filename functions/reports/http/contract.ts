import type { RouteContract } from '../../shared/http/route-contract.js';
import {
  availabilityQuery,
  availabilityReportSchema,
  backlogQuery,
  backlogReportSchema,
  changeReportQuery,
  changeReportSchema,
  csatReportQuery,
  csatReportSchema,
  incidentReportQuery,
  incidentReportSchema,
  rebuildBody,
  rebuildSchema,
} from './schemas.js';

const CSV = ' Answers CSV with `Accept: text/csv` (one line per row, nested figures as dotted columns).';

/** Continual-improvement reports (the reports function; docs/reports.md). */
export const REPORTS_CONTRACT = {
  'GET /reports/incidents': {
    summary:
      'Incident or service-request figures per period: MTTA, MTTR, restore time, SLA, FCR, reopen rate',
    description:
      'Agents, approvers and admins. Figures count in the report-time day of the event completing them (created, acknowledged, resolved…), from per-day aggregates kept from the table stream; a reopen takes the resolution back out of its day. Means and counts are exact; p50/p90 come from a DDSketch (`approximate: true`).' +
      CSV,
    query: incidentReportQuery,
    success: { status: 200, schema: incidentReportSchema },
  },
  'GET /reports/changes': {
    summary: 'Change success and failure rates, incidents caused by changes, emergency share',
    description:
      'Agents, approvers and admins. Changes count in the day of their implementation outcome; a change failed when its outcome is `failed` or an incident linked `caused_by_change` was created within 7 days after its planned end.' +
      CSV,
    query: changeReportQuery,
    success: { status: 200, schema: changeReportSchema },
  },
  'GET /reports/csat': {
    summary: 'Customer satisfaction: surveys sent, responses, average rating, distribution, CSAT %',
    description:
      'Agents, approvers and admins. Surveys count in the day they were sent (a late answer updates that day), by the attribution taken at resolution. CSAT % is the share of ratings 4–5.' +
      CSV,
    query: csatReportQuery,
    success: { status: 200, schema: csatReportSchema },
  },
  'GET /reports/backlog': {
    summary: 'Open tickets at the end of a day, by age bucket',
    description:
      'Agents, approvers and admins. Today reads the live backlog; an earlier day reads the snapshot written at 00:05 report time the day after. `at` after today is 400.' +
      CSV,
    query: backlogQuery,
    success: { status: 200, schema: backlogReportSchema },
  },
  'GET /reports/availability': {
    summary: 'Service availability from outage incidents, in the service-hours calendar, against the target',
    description:
      'Agents, approvers and admins. Outage intervals (incidents with `serviceImpact: outage` naming the service) are merged and counted in the service’s `serviceHoursCalendarId`. An unknown service is 404.' +
      CSV,
    query: availabilityQuery,
    success: { status: 200, schema: availabilityReportSchema },
    errors: [404],
  },
  'POST /reports/rebuild': {
    summary: 'Replay tickets created in [from, to) into the report aggregates, in the background',
    description:
      'Admins. Answers 202 at once; a background job pages through tickets by creation time and applies each one the aggregates do not hold at its version (idempotent: a repeat changes nothing).',
    body: rebuildBody,
    success: { status: 202, schema: rebuildSchema },
  },
} as const satisfies Record<string, RouteContract>;
