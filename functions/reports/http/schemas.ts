import * as z from 'zod/mini';
import { described, identifier, withMeta } from '../../shared/http/schemas.js';
import { AGE_BUCKETS, CHANGE_GROUP_BYS, GROUP_BYS, INTERVALS, isDay } from '../model.js';

/** Request and response schemas of the reports (docs/reports.md); they also make the OpenAPI document. */
const day = z.string().check(z.refine(isDay, { message: 'must be a date YYYY-MM-DD' }));

const periodFields = {
  from: described(day, 'the first day, `YYYY-MM-DD` in the stack’s report time zone'),
  to: described(
    day,
    'the day after the last (the range is `[from, to)`); after `from`, at most 366 days later (400 at `from` when not after it, at `to` when longer)',
  ),
  interval: described(
    z._default(z.enum(INTERVALS), 'none'),
    'rows per `day`, ISO `week` (Monday) or `month`, each with its `period` (start date); `none`: one row per key',
  ),
};
const ticketType = described(
  z._default(z.enum(['incident', 'service_request']), 'incident'),
  'incidents (default) or service requests',
);

export const incidentReportQuery = z.strictObject({
  ...periodFields,
  type: ticketType,
  groupBy: described(z._default(z.enum(GROUP_BYS), 'none'), 'one row per value of this dimension (≤ 200)'),
});
export const csatReportQuery = z.strictObject({
  ...periodFields,
  groupBy: described(z._default(z.enum(GROUP_BYS), 'none'), 'by the survey’s attribution snapshot'),
});
export const changeReportQuery = z.strictObject({
  ...periodFields,
  groupBy: described(
    z._default(z.enum(CHANGE_GROUP_BYS), 'none'),
    'by change type, risk or impacted service',
  ),
});
export const backlogQuery = z.strictObject({
  at: described(z.optional(day), 'the day whose end the backlog is taken at; not after today; default today'),
  type: ticketType,
  groupBy: described(z._default(z.enum(GROUP_BYS), 'none'), 'one row per value of this dimension'),
});
export const availabilityQuery = z.strictObject({
  serviceId: described(identifier, 'the service (a business or technical service of the CMDB)'),
  from: periodFields.from,
  to: periodFields.to,
});
export const rebuildBody = z.strictObject({
  from: described(day, 'replay tickets created from this day (report time)'),
  to: described(day, 'to the day before this one; at most 366 days'),
});

const freshness = described(
  z.object({ asOf: z.nullable(z.string()) }),
  'the instant of the newest change the aggregates hold (null before any)',
);
const percentValue = z.nullable(z.number());
const duration = z.object({
  meanMinutes: z.nullable(z.number()),
  p50Minutes: z.nullable(z.number()),
  p90Minutes: z.nullable(z.number()),
  count: z.int(),
  approximate: described(z.boolean(), 'true: p50/p90 come from a DDSketch (≤ 1 % relative error)'),
});
const rowHead = {
  key: described(z.string(), 'the groupBy value (`all` for none; `none` for tickets without one)'),
  period: described(z.optional(z.string()), 'the interval’s first day (with an interval)'),
};
const periodEcho = {
  from: z.string(),
  to: z.string(),
  groupBy: z.string(),
  interval: z.enum(INTERVALS),
  truncated: described(
    z.boolean(),
    'true when the dimension had more than 200 values: the first 200 (by value) are shown',
  ),
  freshness,
};

export const incidentReportSchema = withMeta(
  z.object({
    ...periodEcho,
    type: z.enum(['incident', 'service_request']),
    rows: z.array(
      z.object({
        ...rowHead,
        created: z.int(),
        resolved: z.int(),
        mtta: duration,
        mttr: duration,
        mttrRestore: duration,
        sla: z.object({ met: z.int(), breached: z.int(), compliancePercent: percentValue }),
        fcr: z.object({ count: z.int(), eligible: z.int(), percent: percentValue }),
        reopen: z.object({ reopened: z.int(), firstResolved: z.int(), percent: percentValue }),
      }),
    ),
  }),
  { id: 'IncidentReport' },
);

export const csatReportSchema = withMeta(
  z.object({
    ...periodEcho,
    rows: z.array(
      z.object({
        ...rowHead,
        sent: z.int(),
        responses: z.int(),
        responseRate: percentValue,
        average: percentValue,
        distribution: z.object({ '1': z.int(), '2': z.int(), '3': z.int(), '4': z.int(), '5': z.int() }),
        csatPercent: percentValue,
      }),
    ),
  }),
  { id: 'CsatReport' },
);

export const changeReportSchema = withMeta(
  z.object({
    ...periodEcho,
    rows: z.array(
      z.object({
        ...rowHead,
        implemented: z.int(),
        successful: z.int(),
        partiallySuccessful: z.int(),
        failed: z.int(),
        successRatePercent: percentValue,
        causedIncidents: z.object({ p1: z.int(), p2: z.int(), p3: z.int(), p4: z.int(), p5: z.int() }),
        failureRatePercent: percentValue,
        emergencySharePercent: percentValue,
      }),
    ),
  }),
  { id: 'ChangeReport' },
);

const bucketCounts = z.object(
  Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket, z.int()])) as Record<
    (typeof AGE_BUCKETS)[number],
    z.ZodMiniInt
  >,
);
export const backlogReportSchema = withMeta(
  z.object({
    at: z.string(),
    type: z.enum(['incident', 'service_request']),
    groupBy: z.enum(GROUP_BYS),
    source: described(
      z.enum(['live', 'snapshot', 'none']),
      '`live` for today; `snapshot` for an earlier day (written nightly at 00:05); `none` when that day has no snapshot',
    ),
    rows: z.array(z.object({ key: z.string(), open: z.int(), buckets: bucketCounts })),
    truncated: z.boolean(),
    freshness,
  }),
  { id: 'BacklogReport' },
);

export const availabilityReportSchema = withMeta(
  z.object({
    serviceId: z.string(),
    from: z.string(),
    to: z.string(),
    serviceMinutes: described(
      z.number(),
      'minutes of the window (its elapsed part) in the service-hours calendar',
    ),
    outageMinutes: z.number(),
    availabilityPercent: described(
      z.nullable(z.number()),
      '3 decimals; null when the window has no service time',
    ),
    target: z.nullable(z.number()),
    targetMet: z.nullable(z.boolean()),
    calendarId: z.string(),
    outages: z.array(
      z.object({
        incidentId: z.string(),
        start: z.string(),
        end: described(z.nullable(z.string()), 'null: still out'),
      }),
    ),
    freshness,
  }),
  { id: 'AvailabilityReport' },
);

export const rebuildSchema = withMeta(
  z.object({ from: z.string(), to: z.string(), status: z.enum(['started']) }),
  { id: 'ReportRebuild' },
);
