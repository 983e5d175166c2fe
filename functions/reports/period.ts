import { DateTime } from 'luxon';
import { type FieldError, ValidationError } from '../shared/errors.js';
import type { GroupBy, Interval } from './model.js';

/**
 * The period rules every report shares (docs/reports.md#period-rules), pure: a half-open range of
 * report-time days `[from, to)` of at most 366 days, a grouping and an interval. Days are calendar
 * days in the stack's `reports.timezone` (default UTC): a figure counts in the day of the event that
 * completes it, as that zone's wall clock shows it.
 */
export const MAX_PERIOD_DAYS = 366;
export { DAY_PATTERN, GROUP_BYS, type GroupBy, INTERVALS, type Interval, isDay } from './model.js';

export interface PeriodQuery<G extends string = GroupBy> {
  /** First day, `YYYY-MM-DD`. */
  readonly from: string;
  /** The day after the last one (exclusive). */
  readonly to: string;
  readonly groupBy: G;
  readonly interval: Interval;
}

/** Days from `from` to `to` (exclusive); negative when `to` is before `from`. */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days,
  );
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Every day of `[from, to)`. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day < to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The range rules beyond each parameter's own format (zod checks those at the edge): `from` before
 * `to` (400 at `from`), at most 366 days (400 at `to`).
 */
export function checkRange(from: string, to: string): void {
  const errors: FieldError[] = [];
  if (from >= to)
    errors.push({ path: 'from', message: `must be before to (${to}); the range is [from, to)` });
  else if (daysBetween(from, to) > MAX_PERIOD_DAYS)
    errors.push({
      path: 'to',
      message: `the range is ${daysBetween(from, to)} days; at most ${MAX_PERIOD_DAYS}`,
    });
  if (errors.length > 0)
    throw new ValidationError(errors, `invalid period: ${errors.map((e) => e.message).join('; ')}`);
}

/** The report-time day an instant falls in. */
export function dayOf(instant: string | number | Date, timezone: string): string {
  const at =
    typeof instant === 'string'
      ? DateTime.fromISO(instant, { zone: timezone })
      : DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone: timezone });
  return at.toISODate()!;
}

/** The instant a report-time day starts (its local midnight, in UTC). */
export function startOfDay(day: string, timezone: string): Date {
  return DateTime.fromISO(day, { zone: timezone }).startOf('day').toJSDate();
}

/** The period a day belongs to under an interval: its first day (ISO week: Monday), or `null` for `none`. */
export function periodOf(day: string, interval: Interval): string | null {
  const date = DateTime.fromISO(day, { zone: 'UTC' });
  switch (interval) {
    case 'none':
      return null;
    case 'day':
      return day;
    case 'week':
      return date.startOf('week').toISODate()!;
    case 'month':
      return date.startOf('month').toISODate()!;
  }
}

/**
 * The periods of a range, in order, each with its days inside the range (the first and last week
 * or month may be partial: a row's `period` is the period's start even when that lies before `from`).
 */
export function periodsOf(
  from: string,
  to: string,
  interval: Interval,
): { period: string | null; days: string[] }[] {
  const periods = new Map<string | null, string[]>();
  for (const day of daysOf(from, to)) {
    const period = periodOf(day, interval);
    const days = periods.get(period) ?? [];
    days.push(day);
    periods.set(period, days);
  }
  return [...periods].map(([period, days]) => ({ period, days }));
}

/** Half-up rounding to `decimals` places, exact for the decimal strings people read (1.05 → 1.1). */
export function roundHalfUp(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const sign = value < 0 ? -1 : 1;
  // toPrecision(15) strips binary noise (1.0499999999 → 1.05) before the scaled rounding.
  const scaled = Number(`${Number(Math.abs(value).toPrecision(15))}e${decimals}`);
  return sign * Number(`${Math.round(scaled)}e-${decimals}`);
}

/** A share in percent, half-up to 1 decimal; null when the denominator is 0. */
export function percent(numerator: number, denominator: number, decimals = 1): number | null {
  if (denominator === 0) return null;
  return roundHalfUp((numerator / denominator) * 100, decimals);
}

/** A mean, half-up to 2 decimals; null when nothing was counted. */
export function mean(sum: number, count: number): number | null {
  if (count === 0) return null;
  return roundHalfUp(sum / count, 2);
}

/** "Today" in report time. */
export function todayIn(now: Date, timezone: string): string {
  return dayOf(now, timezone);
}

/** Periods longer than this read whole months from month items (docs/reports.md#how-the-figures-are-kept). */
export const MONTH_ITEMS_AFTER_DAYS = 92;

/** The sort key of a month item: `M#YYYY-MM` (after every day key of the partition). */
export const monthSk = (dayOrMonth: string) => `M#${dayOrMonth.slice(0, 7)}`;

export interface ReadPlan {
  /** Inclusive day ranges to read day items for. */
  readonly dayRanges: readonly { readonly from: string; readonly to: string }[];
  /** Whole months (`YYYY-MM`) read from month items, in order; empty: days only. */
  readonly months: readonly string[];
}

/**
 * What a report reads per value: the days of `[from, to)`, or, for a period over 92 days without
 * a day or week interval, the whole months inside it from month items and only the edge days
 * around them from day items: a year is ≤ 12 month items and ≤ 60 day items instead of 366.
 */
export function readPlan(from: string, to: string, interval: Interval): ReadPlan {
  const last = addDays(to, -1);
  if (daysBetween(from, to) <= MONTH_ITEMS_AFTER_DAYS || interval === 'day' || interval === 'week')
    return { dayRanges: [{ from, to: last }], months: [] };
  const months: string[] = [];
  const firstFull = from.endsWith('-01') ? from : periodOf(addMonths(from, 1), 'month')!;
  for (let start = firstFull; addMonths(start, 1) <= to; start = addMonths(start, 1))
    months.push(start.slice(0, 7));
  if (months.length === 0) return { dayRanges: [{ from, to: last }], months: [] };
  const fullStart = `${months[0]}-01`;
  const fullEnd = addMonths(`${months.at(-1)}-01`, 1);
  const dayRanges = [
    ...(from < fullStart ? [{ from, to: addDays(fullStart, -1) }] : []),
    ...(fullEnd < to ? [{ from: fullEnd, to: last }] : []),
  ];
  return { dayRanges, months };
}

function addMonths(day: string, months: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ months }).toISODate()!;
}
