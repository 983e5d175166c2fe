import type { QueueParams } from './queue.js';

/** A saved view (functions/tickets/views.ts, docs/api.md#saved-views). */
export interface SavedView {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  /** The group it is shared with; null: personal. */
  readonly group: string | null;
  /** The queue parameters, as `GET /tickets` takes them (validated when saved). */
  readonly query: QueueParams;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}
