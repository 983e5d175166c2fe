import type { CountCell, CountDimension } from '../count-model.js';

/** Whether a `record` moved counters, or found that version (or a later one) already counted. */
export type CountOutcome = 'counted' | 'already';

/**
 * The queue counters (functions/tickets/counts.ts) and, per ticket, what they hold of it: the
 * version last counted and its cells. Items (functions/tickets/store/ticket-keys.ts):
 *   TICKET#<id>             COUNTED             { version, cells }
 *   TICKETCOUNT#<scope>     <dimension>#<value> { count }
 */
export interface TicketCountStore {
  /**
   * Moves the ticket's counts to `cells` at `version`: +1 on the cells it enters, −1 on those it
   * leaves, and the marker, in one transaction conditional on the marker as read. A version at or
   * below the marker's is 'already' (redelivery, or an older record after a newer one).
   */
  record(ticketId: string, version: number, cells: readonly CountCell[]): Promise<CountOutcome>;
  /** The counters of one scope along one dimension, bucket value → count (one item per bucket). */
  read(scope: string, by: CountDimension): Promise<Record<string, number>>;
}

/** A cell's identity, as the marker lists it (`\n` cannot occur in a scope or a bucket). */
export const cellId = (cell: CountCell) => `${cell.scope}\n${cell.bucket}`;
export const cellOfId = (id: string): CountCell => {
  const at = id.indexOf('\n');
  return { scope: id.slice(0, at), bucket: id.slice(at + 1) };
};

/** +1/−1 per cell between what is counted and what should be; empty when nothing moves. */
export function countMoves(counted: readonly string[], cells: readonly CountCell[]): Map<string, number> {
  const moves = new Map<string, number>();
  const next = new Set(cells.map(cellId));
  const previous = new Set(counted);
  for (const id of next) if (!previous.has(id)) moves.set(id, 1);
  for (const id of previous) if (!next.has(id)) moves.set(id, -1);
  return moves;
}

export const COUNTED_SK = 'COUNTED';
export const countedKey = (ticketId: string) => ({ PK: `TICKET#${ticketId}`, SK: COUNTED_SK });
export const counterKey = (cell: CountCell) => ({ PK: `TICKETCOUNT#${cell.scope}`, SK: cell.bucket });
