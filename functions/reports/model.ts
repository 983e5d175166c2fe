/**
 * The reports' closed sets and the day format, with no dependency: the request schemas (and so the
 * OpenAPI document the public function serves) import only this, not the date or sketch libraries.
 */
export const GROUP_BYS = ['none', 'group', 'service', 'priority', 'assignee', 'type'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const INTERVALS = ['none', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
export const CHANGE_GROUP_BYS = ['none', 'type', 'risk', 'service'] as const;
export const AGE_BUCKETS = ['0-1', '2-5', '6-30', '31-90', '>90'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `day` is a real calendar date written `YYYY-MM-DD` (no 2026-02-30). */
export function isDay(day: string): boolean {
  if (!DAY_PATTERN.test(day)) return false;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(year, month - 1, date));
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === date;
}

/** The report time zone when the stack sets none (stack config `reportsTimezone`). */
export const DEFAULT_REPORTS_TIMEZONE = 'UTC';
