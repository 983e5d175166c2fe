import type { TicketStatus, TicketType } from './model.js';

/**
 * Lifecycles as data (docs/api.md#tickets-in-brief): for each ticket type, the statuses each status may move to.
 * Anything not listed is illegal and answered with 409 naming the allowed moves.
 */
type TransitionTable = Readonly<Partial<Record<TicketStatus, readonly TicketStatus[]>>>;

const INCIDENT_AND_REQUEST: TransitionTable = {
  new: ['in_progress', 'on_hold', 'resolved', 'cancelled'],
  in_progress: ['on_hold', 'resolved', 'cancelled'],
  on_hold: ['in_progress', 'resolved', 'cancelled'],
  resolved: ['in_progress', 'closed'],
  closed: [],
  cancelled: [],
};

const PROBLEM: TransitionTable = {
  new: ['in_progress', 'cancelled'],
  in_progress: ['known_error', 'resolved', 'cancelled'],
  known_error: ['in_progress', 'resolved', 'cancelled'],
  resolved: ['in_progress', 'closed'],
  closed: [],
  cancelled: [],
};

export const TRANSITIONS: Readonly<Record<TicketType, TransitionTable>> = {
  incident: INCIDENT_AND_REQUEST,
  service_request: INCIDENT_AND_REQUEST,
  problem: PROBLEM,
};

export function allowedTransitions(type: TicketType, from: TicketStatus): readonly TicketStatus[] {
  return TRANSITIONS[type][from] ?? [];
}

export function canTransition(type: TicketType, from: TicketStatus, to: TicketStatus): boolean {
  return allowedTransitions(type, from).includes(to);
}

/** Statuses a ticket of this type can ever hold (for validating filters and input). */
export function statusesOf(type: TicketType): TicketStatus[] {
  return Object.keys(TRANSITIONS[type]) as TicketStatus[];
}

export function isFinal(status: TicketStatus): boolean {
  return status === 'closed' || status === 'cancelled';
}

/** Reopen is the one move back out of `resolved` into work. */
export function isReopen(from: TicketStatus, to: TicketStatus): boolean {
  return from === 'resolved' && to === 'in_progress';
}
