/**
 * The priority matrix (docs/api.md#tickets-in-brief): impact (1 high … 3 low) × urgency (1 … 3) → priority 1 … 5.
 * Impact and urgency each weigh the same, so priority is their sum less one.
 */
export type Level = 1 | 2 | 3;
export type Priority = 1 | 2 | 3 | 4 | 5;

export function derivePriority(impact: Level, urgency: Level): Priority {
  return (impact + urgency - 1) as Priority;
}
