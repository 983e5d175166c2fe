/**
 * Stands in for `protobufjs/minimal` in Lambda bundles (lib/bundling.ts LAMBDA_ALIASES).
 * `@datadog/sketches-js` requires it only inside `toProto`/`fromProto`, to serialise a sketch; the
 * reports never serialise one (they keep sketch bins as plain counters, functions/reports/sketch.ts),
 * and protobufjs is only a development dependency of that package, so nothing would resolve it.
 */
export const roots: Record<string, unknown> = {};
