import * as z from 'zod/mini';
import { identifier, isoTime, withMeta } from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import { TICKET_STATUSES, TICKET_TYPES } from '../../tickets/model.js';
import { rangeProblems, WEEKDAYS } from '../calendar.js';
import { isValidTimezone } from '../timezone.js';

const timeRange = z.tuple([z.string(), z.string()]);
const dayRanges = z.array(timeRange).check(z.maxLength(12));

const isoDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' }),
  z.refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    {
      message: 'is not a calendar date',
    },
  ),
);

export const putCalendarBody = withMeta(
  z
    .strictObject({
      name: singleLine(200, 1),
      timezone: z
        .string()
        .check(z.refine(isValidTimezone, { message: 'is not an IANA timezone (e.g. Europe/Berlin)' })),
      hours: z.strictObject(
        Object.fromEntries(WEEKDAYS.map((day) => [day, dayRanges])) as Record<
          (typeof WEEKDAYS)[number],
          typeof dayRanges
        >,
      ),
      holidays: z._default(z.array(isoDate).check(z.maxLength(1000)), []),
    })
    .check(
      z.superRefine((calendar, ctx) => {
        for (const day of WEEKDAYS) {
          for (const message of rangeProblems(calendar.hours[day] as [string, string][])) {
            ctx.addIssue({ code: 'custom', path: ['hours', day], message });
          }
        }
      }),
    ),
  { id: 'PutCalendar' },
);

export const putPolicyBody = withMeta(
  z.strictObject({
    name: singleLine(200, 1),
    order: z.int().check(z.gte(0), z.lte(1_000_000)),
    match: z._default(
      z.strictObject({
        type: z.optional(z.enum(TICKET_TYPES)),
        priority: z.optional(
          z.array(z.int().check(z.gte(1), z.lte(5))).check(z.minLength(1), z.maxLength(5)),
        ),
      }),
      {},
    ),
    calendarId: identifier.check(z.maxLength(63)),
    targets: z.strictObject({
      firstResponse: z.int().check(z.gte(1), z.lte(525_600)),
      resolution: z.int().check(z.gte(1), z.lte(525_600)),
    }),
    warnAt: z._default(z.number().check(z.gt(0), z.lt(1)), 0.8),
    pauseOn: z._default(z.array(z.enum(TICKET_STATUSES)).check(z.maxLength(7)), ['on_hold']),
  }),
  { id: 'PutSlaPolicy' },
);

export const calendarSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    hours: z.record(z.string(), z.array(timeRange)),
    holidays: z.array(z.string()),
    version: z.int(),
    updatedAt: z.union([isoTime, z.string()]),
  }),
  { id: 'Calendar' },
);

export const policySchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    order: z.int(),
    match: z.object({ type: z.optional(z.enum(TICKET_TYPES)), priority: z.optional(z.array(z.int())) }),
    calendarId: z.string(),
    targets: z.object({ firstResponse: z.int(), resolution: z.int() }),
    warnAt: z.number(),
    pauseOn: z.array(z.enum(TICKET_STATUSES)),
    version: z.int(),
    updatedAt: z.string(),
  }),
  { id: 'SlaPolicy' },
);

const slaClock = z.object({
  targetMinutes: z.int(),
  startedAt: isoTime,
  dueAt: z.nullable(isoTime),
  warnAt: z.nullable(isoTime),
  metAt: z.nullable(isoTime),
  warnedAt: z.nullable(isoTime),
  breachedAt: z.nullable(isoTime),
  pausedMs: z.int(),
  pauses: z.array(z.object({ from: isoTime, to: z.nullable(isoTime) })),
});

export const ticketSlaSchema = withMeta(
  z.object({
    policyId: z.string(),
    calendarId: z.string(),
    firstResponse: slaClock,
    resolution: slaClock,
    pendingNotices: z.array(
      z.object({ kind: z.enum(['warning', 'breach']), clock: z.string(), notBefore: isoTime }),
    ),
  }),
  { id: 'TicketSla' },
);

export const calendarList = withMeta(z.object({ items: z.array(calendarSchema) }), { id: 'CalendarList' });
export const policyList = withMeta(z.object({ items: z.array(policySchema) }), { id: 'SlaPolicyList' });

export const slaReportQuery = withMeta(
  z
    .strictObject({
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }),
      type: z.optional(z.enum(TICKET_TYPES)),
    })
    .check(
      z.refine((q) => Date.parse(q.from) < Date.parse(q.to), {
        message: 'from must be before to',
        path: ['to'],
      }),
      z.refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
        message: 'a report covers at most 366 days',
        path: ['to'],
      }),
    ),
  { id: 'SlaReportQuery' },
);

const durationStats = z.object({ mean: z.nullable(z.number()), p90: z.nullable(z.number()) });

export const slaReportSchema = withMeta(
  z.object({
    from: z.string(),
    to: z.string(),
    type: z.nullable(z.string()),
    truncated: z.boolean(),
    priorities: z.array(
      z.object({
        priority: z.int(),
        total: z.int(),
        met: z.int(),
        breached: z.int(),
        compliance: z.nullable(z.number()),
        firstResponseMinutes: durationStats,
        resolutionMinutes: durationStats,
      }),
    ),
  }),
  { id: 'SlaReport' },
);
