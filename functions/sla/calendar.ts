/** A business-hours calendar (docs/sla.md#calendars). Ranges are local wall-clock times in `timezone`. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `["09:00", "17:00"]`; "24:00" ends a range at the next midnight. */
export type TimeRange = readonly [string, string];

export interface Calendar {
  readonly id: string;
  readonly name: string;
  readonly timezone: string;
  readonly hours: Readonly<Record<Weekday, readonly TimeRange[]>>;
  /** Whole local days with no working time, `YYYY-MM-DD`. */
  readonly holidays: readonly string[];
  readonly version: number;
  readonly updatedAt: string;
}

export const ALWAYS_ON_CALENDAR_ID = '24x7';
export const BUSINESS_HOURS_CALENDAR_ID = 'business-hours';

const ALL_DAY: readonly TimeRange[] = [['00:00', '24:00']];
const NINE_TO_FIVE: readonly TimeRange[] = [['09:00', '17:00']];

/** The calendar every stack has and no one can change: every minute counts. */
export const ALWAYS_ON_CALENDAR: Omit<Calendar, 'version' | 'updatedAt'> = {
  id: ALWAYS_ON_CALENDAR_ID,
  name: 'Around the clock',
  timezone: 'UTC',
  hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
  holidays: [],
};

/** Seeded default for P2–P4; admins set its timezone, hours and holidays. */
export const DEFAULT_BUSINESS_CALENDAR: Omit<Calendar, 'version' | 'updatedAt'> = {
  id: BUSINESS_HOURS_CALENDAR_ID,
  name: 'Business hours',
  timezone: 'UTC',
  hours: {
    mon: NINE_TO_FIVE,
    tue: NINE_TO_FIVE,
    wed: NINE_TO_FIVE,
    thu: NINE_TO_FIVE,
    fri: NINE_TO_FIVE,
    sat: [],
    sun: [],
  },
  holidays: [],
};

/** Minutes since local midnight for "HH:MM" (00:00–24:00); NaN when malformed. */
export function minutesOfDay(time: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  if (!match) return Number.NaN;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : Number.NaN;
}

/** Problems with one day's ranges: malformed, inverted or overlapping (empty when fine). */
export function rangeProblems(ranges: readonly TimeRange[]): string[] {
  const problems: string[] = [];
  const parsed = ranges.map(([start, end]) => [minutesOfDay(start), minutesOfDay(end)] as const);
  parsed.forEach(([start, end], i) => {
    if (Number.isNaN(start) || Number.isNaN(end)) problems.push(`range ${i + 1} must be two "HH:MM" times`);
    else if (start >= end) problems.push(`range ${i + 1} ends before it starts`);
  });
  const sorted = parsed.filter(([s, e]) => s < e).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]![0] < sorted[i - 1]![1]) problems.push('ranges overlap');
  }
  return problems;
}
