import { DDSketch } from '@datadog/sketches-js';

/**
 * Quantiles (p50, p90) from DDSketch bins (docs/reports.md#quantiles). The library's logarithmic
 * mapping (1 % relative accuracy) turns a duration into a bin key; a day item keeps one counter per
 * bin (`q_<metric>_<key>`), so the aggregator adds and removes a value with a plain `ADD ±1` in
 * its one transaction (a reopen's reversal removes exactly what the resolution added) and a report
 * merges days by summing bins. The merged bins are loaded into a DDSketch to answer quantiles,
 * which are then within 1 % of the true value and labelled `approximate: true`.
 */
const RELATIVE_ACCURACY = 0.01;
const MAPPING = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }).mapping;

export const SKETCHED_METRICS = ['mtta', 'mttr', 'restore'] as const;
export type SketchedMetric = (typeof SKETCHED_METRICS)[number];

/** The bin a duration (minutes) falls in: `z` for zero, else the mapping's key. */
export function binOf(minutes: number): string {
  return minutes <= MAPPING.minPossible ? 'z' : String(MAPPING.key(minutes));
}

export const binAttribute = (metric: SketchedMetric, bin: string) => `q_${metric}_${bin}`;

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
    sketch.accept(bin === 'z' ? 0 : MAPPING.value(Number(bin)), count);
  }
  if (sketch.count === 0) return { p50: null, p90: null };
  const round = (value: number) => Math.round(value * 100) / 100;
  return { p50: round(sketch.getValueAtQuantile(0.5)), p90: round(sketch.getValueAtQuantile(0.9)) };
}
