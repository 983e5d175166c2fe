import type { Ticket } from '../tickets/model.js';

/**
 * Who receives an SLA notice (docs/sla.md#the-sweeper): the ticket's group address and an assignee
 * known by mail address; when neither has one, the stack's fallback address. The email notifier
 * addresses the mail by this rule (staff-notices.ts) and the sweeper counts by it what nobody
 * would receive.
 */
export function slaNoticeRecipients(
  ticket: Pick<Ticket, 'assignee'>,
  groupEmail: string | null | undefined,
  fallbackAddress: string | null | undefined,
): string[] {
  const direct = [groupEmail, ticket.assignee?.includes('@') ? ticket.assignee : undefined].filter(
    (address): address is string => Boolean(address),
  );
  if (direct.length > 0) return [...new Set(direct)];
  return fallbackAddress ? [fallbackAddress] : [];
}

/** How the stack delivers staff notices, as far as the sweeper must know to report what nobody receives. */
export interface NoticeRouting {
  /** Whether notices are mailed at all (the stack has an email domain; always locally). */
  readonly mail: boolean;
  /** Where notices go that reach neither an assignee nor a group address; null: nowhere. */
  readonly fallbackAddress: string | null;
}
