import type { AgeBucket } from './model.js';
import { addDays, daysBetween, mean, percent } from './period.js';
import { binsOf, quantilesOf, type SketchedMetric } from './sketch.js';

/**
 * Report rows from summed day items (docs/reports.md), pure. Counts and sums add up exactly across
 * days; quantiles come from the summed sketch bins and say `approximate: true`.
 */
export type Sums = Record<string, number>;

/** Numbers of the items summed attribute by attribute (keys and value lists left out). */
export function sumItems(items: readonly Readonly<Record<string, unknown>>[]): Sums {
  const sums: Sums = {};
  for (const item of items) {
    for (const [name, value] of Object.entries(item)) {
      if (typeof value === 'number' && name !== 'PK' && name !== 'SK') sums[name] = (sums[name] ?? 0) + value;
    }
  }
  return sums;
}

const n = (sums: Sums, name: string) => sums[name] ?? 0;

export interface DurationFigures {
  readonly meanMinutes: number | null;
  readonly p50Minutes: number | null;
  readonly p90Minutes: number | null;
  readonly count: number;
  readonly approximate: boolean;
}

export function durationFigures(sums: Sums, metric: SketchedMetric): DurationFigures {
  const count = n(sums, `${metric}Count`);
  const { p50, p90 } = quantilesOf(binsOf(sums, metric));
  return {
    meanMinutes: mean(n(sums, `${metric}SumMs`) / 60_000, count),
    p50Minutes: p50,
    p90Minutes: p90,
    count,
    approximate: true,
  };
}

export function incidentFigures(sums: Sums) {
  const met = n(sums, 'slaMet');
  const breached = n(sums, 'slaBreached');
  return {
    created: n(sums, 'created'),
    resolved: n(sums, 'resolved'),
    mtta: durationFigures(sums, 'mtta'),
    mttr: durationFigures(sums, 'mttr'),
    mttrRestore: durationFigures(sums, 'restore'),
    sla: { met, breached, compliancePercent: percent(met, met + breached) },
    fcr: {
      count: n(sums, 'fcr'),
      eligible: n(sums, 'fcrEligible'),
      percent: percent(n(sums, 'fcr'), n(sums, 'fcrEligible')),
    },
    reopen: {
      reopened: n(sums, 'reopened'),
      firstResolved: n(sums, 'firstResolved'),
      percent: percent(n(sums, 'reopened'), n(sums, 'firstResolved')),
    },
  };
}

export function csatFigures(sums: Sums) {
  const sent = n(sums, 'sent');
  const responses = n(sums, 'responses');
  return {
    sent,
    responses,
    responseRate: percent(responses, sent),
    average: mean(n(sums, 'ratingSum'), responses),
    distribution: {
      '1': n(sums, 'r1'),
      '2': n(sums, 'r2'),
      '3': n(sums, 'r3'),
      '4': n(sums, 'r4'),
      '5': n(sums, 'r5'),
    },
    csatPercent: percent(n(sums, 'r4') + n(sums, 'r5'), responses),
  };
}

export function changeFigures(sums: Sums) {
  const implemented = n(sums, 'implemented');
  return {
    implemented,
    successful: n(sums, 'successful'),
    partiallySuccessful: n(sums, 'partiallySuccessful'),
    failed: n(sums, 'failed'),
    successRatePercent: percent(n(sums, 'successful'), implemented),
    causedIncidents: {
      p1: n(sums, 'causedP1'),
      p2: n(sums, 'causedP2'),
      p3: n(sums, 'causedP3'),
      p4: n(sums, 'causedP4'),
      p5: n(sums, 'causedP5'),
    },
    failureRatePercent: percent(n(sums, 'failedOrCaused'), implemented),
    emergencySharePercent: percent(n(sums, 'emergency'), implemented),
  };
}

export function ageBucket(ageDays: number): AgeBucket {
  if (ageDays <= 1) return '0-1';
  if (ageDays <= 5) return '2-5';
  if (ageDays <= 30) return '6-30';
  if (ageDays <= 90) return '31-90';
  return '>90';
}

/** A backlog item (`d<createdDay>` → open count) at the end of day `at`, by age bucket. */
export function backlogFigures(item: Readonly<Record<string, unknown>>, at: string) {
  const buckets: Record<AgeBucket, number> = {
    '0-1': 0,
    '2-5': 0,
    '6-30': 0,
    '31-90': 0,
    '>90': 0,
  };
  let open = 0;
  for (const [name, value] of Object.entries(item)) {
    if (!/^d\d{4}-\d{2}-\d{2}$/.test(name) || typeof value !== 'number' || value <= 0) continue;
    const created = name.slice(1);
    if (created > at) continue;
    open += value;
    buckets[ageBucket(daysBetween(created, at))] += value;
  }
  return { open, buckets };
}

/** The last day of `[from, to)`. */
export const lastDayOf = (to: string) => addDays(to, -1);
