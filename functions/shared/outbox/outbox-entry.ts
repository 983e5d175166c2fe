/**
 * What the outbox publisher reads from a history entry: every capability's history entry (tickets,
 * changes, …) has this shape, and its `events` are published when the entry's write commits.
 */
export interface OutboxEntry {
  readonly id: string;
  readonly recordId: string;
  readonly at: string;
  readonly actor: { readonly id: string; readonly name: string | null };
  readonly changes?: readonly unknown[];
  readonly events: readonly { readonly detailType: string; readonly detail: Record<string, unknown> }[];
}
