import { businessMsBetween } from './business-time.js';
import type { Calendar } from './calendar.js';
import type { ClockedTicket } from './clocks.js';
import type { SlaClock } from './model.js';

export interface DurationStats {
  readonly mean: number | null;
  readonly p90: number | null;
}

export interface PriorityCompliance {
  readonly priority: number;
  /** Tickets created in the period with an SLA (cancelled ones excluded). */
  readonly total: number;
  /** Both clocks completed without a breach. */
  readonly met: number;
  /** At least one clock breached. */
  readonly breached: number;
  /** met ÷ (met + breached), in percent; null when neither happened yet. */
  readonly compliance: number | null;
  /** Business minutes from start to completion, pauses excluded (the time the SLA measures). */
  readonly firstResponseMinutes: DurationStats;
  readonly resolutionMinutes: DurationStats;
}

/** Compliance per priority for the tickets created in a period (pure; the caller reads them). */
export function slaReport(
  tickets: readonly ClockedTicket[],
  calendars: ReadonlyMap<string, Calendar>,
): PriorityCompliance[] {
  const rows: PriorityCompliance[] = [];
  for (const priority of [1, 2, 3, 4, 5]) {
    const mine = tickets.filter((t) => t.priority === priority && t.sla && t.status !== 'cancelled');
    const breached = mine.filter(
      (t) => t.sla!.firstResponse.breachedAt || t.sla!.resolution.breachedAt,
    ).length;
    const met = mine.filter(
      (t) =>
        t.sla!.firstResponse.metAt &&
        t.sla!.resolution.metAt &&
        !t.sla!.firstResponse.breachedAt &&
        !t.sla!.resolution.breachedAt,
    ).length;
    const minutes = (clock: 'firstResponse' | 'resolution') =>
      mine.flatMap((t) => {
        const calendar = calendars.get(t.sla!.calendarId);
        return calendar && t.sla![clock].metAt ? [measuredMinutes(t.sla![clock], calendar)] : [];
      });
    rows.push({
      priority,
      total: mine.length,
      met,
      breached,
      compliance: met + breached === 0 ? null : Math.round((met / (met + breached)) * 1000) / 10,
      firstResponseMinutes: stats(minutes('firstResponse')),
      resolutionMinutes: stats(minutes('resolution')),
    });
  }
  return rows;
}

function measuredMinutes(clock: SlaClock, calendar: Calendar): number {
  const elapsed = businessMsBetween(calendar, new Date(clock.startedAt), new Date(clock.metAt!));
  return Math.max(0, elapsed - clock.pausedMs) / 60_000;
}

/** Mean and nearest-rank 90th percentile, rounded to 0.1 minute. */
export function stats(values: readonly number[]): DurationStats {
  if (values.length === 0) return { mean: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    mean: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length),
    p90: round(sorted[Math.ceil(0.9 * sorted.length) - 1]!),
  };
}
