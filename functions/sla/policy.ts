import type { TicketStatus, TicketType } from '../tickets/model.js';
import { ALWAYS_ON_CALENDAR_ID, BUSINESS_HOURS_CALENDAR_ID } from './calendar.js';

/** An SLA policy (docs/sla.md#policies): the first matching policy by `order` applies. */
export interface SlaPolicy {
  readonly id: string;
  readonly name: string;
  readonly order: number;
  /** Conditions that must all hold; `serviceIds` against the ticket's `serviceId` (docs/sla.md#policies). */
  readonly match: {
    readonly type?: TicketType;
    readonly priority?: readonly number[];
    readonly serviceIds?: readonly string[];
  };
  readonly calendarId: string;
  /** Business minutes on the policy's calendar. */
  readonly targets: { readonly firstResponse: number; readonly resolution: number };
  /** Fraction of a target at which the warning fires. */
  readonly warnAt: number;
  readonly pauseOn: readonly TicketStatus[];
  readonly version: number;
  readonly updatedAt: string;
}

export type PolicyDraft = Omit<SlaPolicy, 'version' | 'updatedAt'>;

/** First by `order` (then id, for a stable choice) whose type, priority and service match. */
export function selectPolicy(
  policies: readonly SlaPolicy[],
  ticket: { type: TicketType; priority: number; serviceId?: string | null },
): SlaPolicy | undefined {
  return [...policies]
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
    .find(
      (policy) =>
        (policy.match.type === undefined || policy.match.type === ticket.type) &&
        (policy.match.priority === undefined || policy.match.priority.includes(ticket.priority)) &&
        (policy.match.serviceIds === undefined ||
          (ticket.serviceId != null && policy.match.serviceIds.includes(ticket.serviceId))),
    );
}

const HOUR = 60;
const BUSINESS_DAY = 8 * HOUR;

/** Defaults (docs/sla.md#policies): P1 around the clock, P2–P4 on business hours, P5 no SLA. */
export const DEFAULT_POLICIES: readonly PolicyDraft[] = [
  policy('p1', 'P1 critical', 10, [1], ALWAYS_ON_CALENDAR_ID, 15, 4 * HOUR),
  policy('p2', 'P2 high', 20, [2], BUSINESS_HOURS_CALENDAR_ID, 30, 8 * HOUR),
  policy('p3', 'P3 moderate', 30, [3], BUSINESS_HOURS_CALENDAR_ID, 4 * HOUR, 3 * BUSINESS_DAY),
  policy('p4', 'P4 low', 40, [4], BUSINESS_HOURS_CALENDAR_ID, 8 * HOUR, 5 * BUSINESS_DAY),
];

function policy(
  id: string,
  name: string,
  order: number,
  priority: number[],
  calendarId: string,
  firstResponse: number,
  resolution: number,
): PolicyDraft {
  return {
    id,
    name,
    order,
    match: { priority },
    calendarId,
    targets: { firstResponse, resolution },
    warnAt: 0.8,
    pauseOn: ['on_hold'],
  };
}
