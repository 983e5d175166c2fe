import type { CountCell, CountDimension } from '../count-model.js';
import {
  type CountOutcome,
  cellId,
  cellOfId,
  counterKey,
  countMoves,
  type TicketCountStore,
} from './ticket-count-store.js';

/** TicketCountStore in memory (the contract suite holds it to the DynamoDB adapter). */
export class InMemoryTicketCountStore implements TicketCountStore {
  private readonly markers = new Map<string, { version: number; cells: string[] }>();
  /** `PK\nSK` of the counter → count. */
  private readonly counters = new Map<string, number>();

  async record(ticketId: string, version: number, cells: readonly CountCell[]): Promise<CountOutcome> {
    const marker = this.markers.get(ticketId);
    if (marker && marker.version >= version) return 'already';
    const moves = countMoves(marker?.cells ?? [], cells);
    if (moves.size === 0 && marker) return 'counted';
    for (const [id, delta] of moves) {
      const key = counterKey(cellOfId(id));
      const at = `${key.PK}\n${key.SK}`;
      this.counters.set(at, (this.counters.get(at) ?? 0) + delta);
    }
    this.markers.set(ticketId, { version, cells: cells.map(cellId) });
    return 'counted';
  }

  async read(scope: string, by: CountDimension): Promise<Record<string, number>> {
    const pk = counterKey({ scope, bucket: '' }).PK;
    const prefix = `${pk}\n${by}#`;
    const counts: Record<string, number> = {};
    for (const [at, count] of this.counters) {
      if (at.startsWith(prefix)) counts[at.slice(prefix.length)] = count;
    }
    return counts;
  }
}
