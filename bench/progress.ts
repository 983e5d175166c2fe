/**
 * What `npm run bench` is doing now, on stderr with the time since it started: the report (the
 * tables on stdout) stays clean when redirected, and a two-minute run is never silent.
 * BENCH_QUIET=1 silences it.
 */
const started = performance.now();

export function progress(message: string): void {
  if (process.env.BENCH_QUIET) return;
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${seconds} s] ${message}\n`);
}
