/** The dimensions live queue counts go by (functions/tickets/counts.ts). */
export const COUNT_DIMENSIONS = ['status', 'group', 'priority', 'assignee'] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

/** One counter: the scope it belongs to, and the bucket it counts (`<dimension>#<bucket>`). */
export interface CountCell {
  readonly scope: string;
  readonly bucket: string;
}
