import type { Ticket } from './model.js';

/** docs/api.md#tickets-in-brief: a resolved ticket closes automatically after this many days without a reopen. */
export const DEFAULT_AUTO_CLOSE_DAYS = 7;

/**
 * `autoCloseAt` after a change: set when a ticket becomes resolved, kept while it stays resolved,
 * cleared when it leaves resolved (reopen or close). The sweeper closes it at that instant.
 */
export function withAutoClose(before: Ticket | undefined, after: Ticket, days: number): Ticket {
  if (after.status !== 'resolved')
    return after.autoCloseAt === null ? after : { ...after, autoCloseAt: null };
  if (before?.status === 'resolved' && before.autoCloseAt) return after;
  const resolvedAt = Date.parse(after.resolvedAt ?? after.updatedAt);
  return { ...after, autoCloseAt: new Date(resolvedAt + days * 86_400_000).toISOString() };
}

export function isDueForAutoClose(ticket: Ticket, now: Date): boolean {
  return (
    ticket.status === 'resolved' && ticket.autoCloseAt !== null && ticket.autoCloseAt <= now.toISOString()
  );
}
