import { DateTime } from 'luxon';
import { type Calendar, minutesOfDay, WEEKDAYS } from './calendar.js';

/**
 * Business-time arithmetic on a calendar, pure. Working ranges are built per local day with
 * Luxon in the calendar's IANA zone, so a DST change shortens or lengthens the day exactly as the
 * wall clock does, and an instant is always a real UTC instant.
 */

/** How far ahead a deadline may be searched: a calendar with almost no hours still ends. */
const MAX_DAYS = 3 * 366;

export class NoWorkingTimeError extends Error {}

interface Interval {
  readonly start: number;
  readonly end: number;
}

/** The working intervals (epoch ms) of the local day that `day` starts. */
function workingIntervals(calendar: Calendar, day: DateTime): Interval[] {
  if (calendar.holidays.includes(day.toISODate()!)) return [];
  const weekday = WEEKDAYS[day.weekday - 1]!;
  return calendar.hours[weekday]
    .map(([from, to]) => ({
      start: localInstant(day, minutesOfDay(from)),
      end: localInstant(day, minutesOfDay(to)),
    }))
    .sort((a, b) => a.start - b.start);
}

/** The instant of local wall-clock `minutes` after midnight on `day` (24:00 = next midnight). */
function localInstant(day: DateTime, minutes: number): number {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
}

function firstDay(calendar: Calendar, at: number): DateTime {
  return DateTime.fromMillis(at, { zone: calendar.timezone }).startOf('day');
}

/**
 * The instant `ms` of working time after `start`. A target that runs out exactly at a range's
 * end is due at that end (closing time), not at the next opening.
 */
export function addBusinessMs(calendar: Calendar, start: Date, ms: number): Date {
  let remaining = Math.max(0, ms);
  const from = start.getTime();
  if (remaining === 0) return new Date(from);
  let day = firstDay(calendar, from);
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const interval of workingIntervals(calendar, day)) {
      const begin = Math.max(interval.start, from);
      if (begin >= interval.end) continue;
      const available = interval.end - begin;
      if (remaining <= available) return new Date(begin + remaining);
      remaining -= available;
    }
  }
  throw new NoWorkingTimeError(`calendar ${calendar.id} has too little working time to reach the target`);
}

/** Working time (ms) between two instants; 0 when `to` is not after `from`. */
export function businessMsBetween(calendar: Calendar, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  let total = 0;
  let day = firstDay(calendar, start);
  for (let i = 0; i < MAX_DAYS && day.toMillis() < end; i++, day = day.plus({ days: 1 })) {
    for (const interval of workingIntervals(calendar, day)) {
      total += Math.max(0, Math.min(interval.end, end) - Math.max(interval.start, start));
    }
  }
  return total;
}

/** Whether `at` falls inside working time. */
export function isWorkingTime(calendar: Calendar, at: Date): boolean {
  const t = at.getTime();
  return workingIntervals(calendar, firstDay(calendar, t)).some((i) => i.start <= t && t < i.end);
}

/** The next instant at or after `at` that is inside working time. */
export function nextWorkingInstant(calendar: Calendar, at: Date): Date {
  const t = at.getTime();
  let day = firstDay(calendar, t);
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const interval of workingIntervals(calendar, day)) {
      if (interval.end > t) return new Date(Math.max(interval.start, t));
    }
  }
  throw new NoWorkingTimeError(`calendar ${calendar.id} has no working time ahead`);
}
