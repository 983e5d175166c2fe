import * as z from 'zod/mini';
import { described, identifier, isoTime, withMeta } from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import { TICKET_STATUSES, TICKET_TYPES } from '../../tickets/model.js';
import { rangeProblems, WEEKDAYS } from '../calendar.js';
import { CLOCKS } from '../model.js';
import { isValidTimezone } from '../timezone.js';

const timeRange = described(
  z.tuple([z.string(), z.string()]),
  'a working range `["HH:MM", "HH:MM"]` in local wall-clock time, start before end; `"24:00"` ends it at midnight',
);
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
  {
    id: 'PutCalendar',
    examples: [
      {
        name: 'Berlin office',
        timezone: 'Europe/Berlin',
        hours: {
          mon: [
            ['08:00', '12:00'],
            ['13:00', '17:00'],
          ],
          tue: [['08:00', '17:00']],
          wed: [['08:00', '17:00']],
          thu: [['08:00', '17:00']],
          fri: [['08:00', '15:00']],
          sat: [],
          sun: [],
        },
        holidays: ['2026-12-24', '2026-12-25'],
      },
    ],
  },
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
  {
    id: 'PutSlaPolicy',
    examples: [
      {
        name: 'P2 incidents',
        order: 20,
        match: { type: 'incident', priority: [2] },
        calendarId: 'business-hours',
        targets: { firstResponse: 30, resolution: 480 },
        warnAt: 0.8,
        pauseOn: ['on_hold'],
      },
    ],
  },
);

export const calendarSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    hours: z.object(
      Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(timeRange)])) as Record<
        (typeof WEEKDAYS)[number],
        z.ZodMiniArray<typeof timeRange>
      >,
    ),
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
      z.object({ kind: z.enum(['warning', 'breach']), clock: z.enum(CLOCKS), notBefore: isoTime }),
    ),
  }),
  { id: 'TicketSla' },
);

export const calendarList = withMeta(z.object({ items: z.array(calendarSchema) }), { id: 'CalendarList' });
export const policyList = withMeta(z.object({ items: z.array(policySchema) }), { id: 'SlaPolicyList' });

export const slaReportQuery = withMeta(
  z
    .strictObject({
      from: described(
        z.iso.datetime({ offset: true }),
        'tickets created at or after this instant (ISO 8601 with an offset or Z)',
      ),
      to: described(
        z.iso.datetime({ offset: true }),
        'tickets created before this instant; after `from`, at most 366 days later',
      ),
      type: described(z.optional(z.enum(TICKET_TYPES)), 'only tickets of this type'),
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
    type: z.nullable(z.enum(TICKET_TYPES)),
    truncated: described(
      z.boolean(),
      'true when more than 10,000 tickets were created in the range: the figures cover the first 10,000',
    ),
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
