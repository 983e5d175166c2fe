import { businessMsBetween } from '../sla/business-time.js';
import type { Calendar } from '../sla/calendar.js';
import { roundHalfUp } from './period.js';

/**
 * Service availability over a window (docs/reports.md#availability), pure: outage intervals of the
 * service's incidents are clipped to the window, merged where they overlap (two incidents on one
 * outage count its minutes once), and measured in the service-hours calendar, as is the window.
 */
export interface OutageInterval {
  readonly incidentId: string;
  readonly start: string;
  /** null: still out. */
  readonly end: string | null;
}

export interface AvailabilityFigures {
  readonly serviceMinutes: number;
  readonly outageMinutes: number;
  readonly availabilityPercent: number | null;
  readonly targetMet: boolean | null;
}

/** Merged `[start, end)` spans (epoch ms) of the intervals clipped to `[from, to)`; open ones end at `to`. */
export function mergedSpans(
  intervals: readonly OutageInterval[],
  from: number,
  to: number,
): [number, number][] {
  const spans = intervals
    .map(
      (i) =>
        [Math.max(from, Date.parse(i.start)), Math.min(to, i.end === null ? to : Date.parse(i.end))] as [
          number,
          number,
        ],
    )
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

const round2 = (minutes: number) => roundHalfUp(minutes, 2);

export function availability(
  intervals: readonly OutageInterval[],
  calendar: Calendar,
  from: Date,
  to: Date,
  target: number | null,
): AvailabilityFigures {
  const serviceMs = businessMsBetween(calendar, from, to);
  const outageMs = mergedSpans(intervals, from.getTime(), to.getTime()).reduce(
    (sum, [start, end]) => sum + businessMsBetween(calendar, new Date(start), new Date(end)),
    0,
  );
  const availabilityPercent = serviceMs === 0 ? null : roundHalfUp((1 - outageMs / serviceMs) * 100, 3);
  return {
    serviceMinutes: round2(serviceMs / 60_000),
    outageMinutes: round2(outageMs / 60_000),
    availabilityPercent,
    targetMet: target === null || availabilityPercent === null ? null : availabilityPercent >= target,
  };
}
