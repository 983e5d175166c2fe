import safeRegex from 'safe-regex2';

/** Longest `pattern` a user schema may carry (spec §12). */
export const MAX_PATTERN_LENGTH = 256;

/**
 * Why a user-supplied `pattern` is refused, or undefined when it may be used.
 *
 * Patterns run on V8's backtracking engine inside every value validation, so one catastrophic
 * pattern (`(a+)+$`) would let any caller pin a Lambda. The check is `safe-regex2`, a star-height
 * heuristic: it refuses nested quantifiers and more than 25 quantifiers, in ~0.05 ms and 13 KB.
 * `recheck` (a real ReDoS analyser) was measured and rejected: its pure-JS backend is a 2.9 MB
 * Scala.js file that takes ~180 ms to load and 10–400 ms per check, too heavy for a Lambda bundle
 * and an admin's request path. The heuristic misses overlapping alternation at star height 1
 * (`(a|aa)+$`); see docs for the residual risk.
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    // Ajv compiles patterns with the `u` flag, so the pattern must be valid in that dialect.
    new RegExp(pattern, 'u');
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  if (!safeRegex(pattern)) {
    return 'could take exponential time to match (nested or too many quantifiers); simplify it';
  }
  return undefined;
}
