import * as z from 'zod';
import { rangeProblems, WEEKDAYS } from '../../domain/sla/calendar.js';
import { isValidTimezone } from '../../domain/sla/timezone.js';
import { TICKET_STATUSES, TICKET_TYPES } from '../../domain/tickets/model.js';
import { isoTime } from './common.js';

const timeRange = z.tuple([z.string(), z.string()]);
const dayRanges = z.array(timeRange).max(12);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    {
      message: 'is not a calendar date',
    },
  );

export const putCalendarBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    timezone: z.string().refine(isValidTimezone, { message: 'is not an IANA timezone (e.g. Europe/Berlin)' }),
    hours: z.strictObject(
      Object.fromEntries(WEEKDAYS.map((day) => [day, dayRanges])) as Record<
        (typeof WEEKDAYS)[number],
        typeof dayRanges
      >,
    ),
    holidays: z.array(isoDate).max(1000).default([]),
  })
  .superRefine((calendar, ctx) => {
    for (const day of WEEKDAYS) {
      for (const message of rangeProblems(calendar.hours[day] as [string, string][])) {
        ctx.addIssue({ code: 'custom', path: ['hours', day], message });
      }
    }
  })
  .meta({ id: 'PutCalendar' });

export const putPolicyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    order: z.int().min(0).max(1_000_000),
    match: z
      .strictObject({
        type: z.enum(TICKET_TYPES).optional(),
        priority: z.array(z.int().min(1).max(5)).min(1).max(5).optional(),
      })
      .default({}),
    calendarId: z.string().min(1).max(63),
    targets: z.strictObject({
      firstResponse: z.int().min(1).max(525_600),
      resolution: z.int().min(1).max(525_600),
    }),
    warnAt: z.number().gt(0).lt(1).default(0.8),
    pauseOn: z.array(z.enum(TICKET_STATUSES)).max(7).default(['on_hold']),
  })
  .meta({ id: 'PutSlaPolicy' });

export const calendarSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    hours: z.record(z.string(), z.array(timeRange)),
    holidays: z.array(z.string()),
    version: z.int(),
    updatedAt: isoTime.or(z.string()),
  })
  .meta({ id: 'Calendar' });

export const policySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    order: z.int(),
    match: z.object({ type: z.enum(TICKET_TYPES).optional(), priority: z.array(z.int()).optional() }),
    calendarId: z.string(),
    targets: z.object({ firstResponse: z.int(), resolution: z.int() }),
    warnAt: z.number(),
    pauseOn: z.array(z.enum(TICKET_STATUSES)),
    version: z.int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SlaPolicy' });

const slaClock = z.object({
  targetMinutes: z.int(),
  startedAt: isoTime,
  dueAt: isoTime.nullable(),
  warnAt: isoTime.nullable(),
  metAt: isoTime.nullable(),
  warnedAt: isoTime.nullable(),
  breachedAt: isoTime.nullable(),
  pausedMs: z.int(),
  pauses: z.array(z.object({ from: isoTime, to: isoTime.nullable() })),
});

export const ticketSlaSchema = z
  .object({
    policyId: z.string(),
    calendarId: z.string(),
    firstResponse: slaClock,
    resolution: slaClock,
    pendingNotices: z.array(
      z.object({ kind: z.enum(['warning', 'breach']), clock: z.string(), notBefore: isoTime }),
    ),
  })
  .meta({ id: 'TicketSla' });

export const calendarList = z.object({ items: z.array(calendarSchema) }).meta({ id: 'CalendarList' });
export const policyList = z.object({ items: z.array(policySchema) }).meta({ id: 'SlaPolicyList' });

export const slaReportQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    type: z.enum(TICKET_TYPES).optional(),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
    message: 'a report covers at most 366 days',
    path: ['to'],
  })
  .meta({ id: 'SlaReportQuery' });

const durationStats = z.object({ mean: z.number().nullable(), p90: z.number().nullable() });

export const slaReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    type: z.string().nullable(),
    truncated: z.boolean(),
    priorities: z.array(
      z.object({
        priority: z.int(),
        total: z.int(),
        met: z.int(),
        breached: z.int(),
        compliance: z.number().nullable(),
        firstResponseMinutes: durationStats,
        resolutionMinutes: durationStats,
      }),
    ),
  })
  .meta({ id: 'SlaReport' });
