import { DDSketch } from '@datadog/sketches-js';

/**
 * Quantiles (p50, p90) from fixed DDSketch buckets (docs/reports.md#quantiles). The library's
 * logarithmic mapping (5 % relative accuracy) turns a duration into a bucket, clamped to the range
 * a figure can take (6 seconds to a year), so every figure has the same BUCKETS buckets whatever
 * the number of tickets: a day item keeps them as one fixed-length list per figure (the DynamoDB
 * adapter) and a report's read cost does not grow with the tickets behind it. The aggregator adds
 * and removes a value with `±1` on its bucket inside its one transaction (a reopen's reversal
 * removes exactly what the resolution added); a report merges days by summing buckets, loads them
 * into a DDSketch and answers quantiles within 5 % of the true value, labelled `approximate: true`.
 * A zero duration has its own bucket `z`.
 */
export const RELATIVE_ACCURACY = 0.05;
const MAPPING = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }).mapping;
/** Durations in minutes: below the lowest bucket count in it, above the highest in it. */
const LOWEST_MINUTES = 0.1;
const HIGHEST_MINUTES = 366 * 24 * 60;
const FIRST_KEY = MAPPING.key(LOWEST_MINUTES);
/** Buckets per figure (155 at 5 %). */
export const BUCKETS = MAPPING.key(HIGHEST_MINUTES) - FIRST_KEY + 1;

export const SKETCHED_METRICS = ['mtta', 'mttr', 'restore'] as const;
export type SketchedMetric = (typeof SKETCHED_METRICS)[number];

/** The bucket a duration (minutes) falls in: `z` for zero, else its index, 0 … BUCKETS − 1. */
export function binOf(minutes: number): string {
  if (minutes <= 0) return 'z';
  return String(Math.min(BUCKETS - 1, Math.max(0, MAPPING.key(minutes) - FIRST_KEY)));
}

export const binAttribute = (metric: SketchedMetric, bin: string) => `q_${metric}_${bin}`;

/** The figure and bucket index of a bucket attribute (`q_mttr_17`), or undefined for any other (and `z`). */
export function indexedBinOf(attribute: string): { metric: SketchedMetric; index: number } | undefined {
  const match = /^q_(mtta|mttr|restore)_(\d+)$/.exec(attribute);
  if (!match) return undefined;
  const index = Number(match[2]);
  return index < BUCKETS ? { metric: match[1] as SketchedMetric, index } : undefined;
}

/** The metric's bins of an item (or several items summed), bin → count. */
export function binsOf(
  item: Readonly<Record<string, unknown>>,
  metric: SketchedMetric,
  into = new Map<string, number>(),
) {
  const prefix = `q_${metric}_`;
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(prefix)) {
      const bin = name.slice(prefix.length);
      into.set(bin, (into.get(bin) ?? 0) + Number(value));
    }
  }
  return into;
}

/** p50 and p90 (minutes, 2 decimals) of merged bins; null when empty. */
export function quantilesOf(bins: ReadonlyMap<string, number>): { p50: number | null; p90: number | null } {
  const sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  for (const [bin, count] of bins) {
    if (count <= 0) continue;
    sketch.accept(bin === 'z' ? 0 : MAPPING.value(Number(bin) + FIRST_KEY), count);
  }
  if (sketch.count === 0) return { p50: null, p90: null };
  const round = (value: number) => Math.round(value * 100) / 100;
  return { p50: round(sketch.getValueAtQuantile(0.5)), p90: round(sketch.getValueAtQuantile(0.9)) };
}
