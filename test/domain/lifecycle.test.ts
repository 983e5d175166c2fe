import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  canTransition,
  isReopen,
  TRANSITIONS,
} from '../../functions/tickets/lifecycle.js';
import { TICKET_STATUSES, type TicketStatus, type TicketType } from '../../functions/tickets/model.js';

// Every legal move of docs/api.md#tickets-in-brief; everything else must be illegal.
const LEGAL: Record<TicketType, string[]> = {
  incident: [
    'new>in_progress',
    'new>on_hold',
    'new>resolved',
    'new>cancelled',
    'in_progress>on_hold',
    'in_progress>resolved',
    'in_progress>cancelled',
    'on_hold>in_progress',
    'on_hold>resolved',
    'on_hold>cancelled',
    'resolved>in_progress',
    'resolved>closed',
  ],
  service_request: [],
  problem: [
    'new>in_progress',
    'new>cancelled',
    'in_progress>known_error',
    'in_progress>resolved',
    'in_progress>cancelled',
    'known_error>in_progress',
    'known_error>resolved',
    'known_error>cancelled',
    'resolved>in_progress',
    'resolved>closed',
  ],
};
LEGAL.service_request = LEGAL.incident;

const cases = (Object.keys(LEGAL) as TicketType[]).flatMap((type) =>
  TICKET_STATUSES.flatMap((from) =>
    TICKET_STATUSES.filter((to) => to !== from).map(
      (to) => [type, from, to, LEGAL[type].includes(`${from}>${to}`)] as const,
    ),
  ),
);

describe('ticket lifecycles', () => {
  it.each(cases)('%s: %s → %s legal=%s', (type, from, to, legal) => {
    expect(canTransition(type, from as TicketStatus, to as TicketStatus)).toBe(legal);
  });

  it('closed and cancelled are final for every type', () => {
    for (const type of Object.keys(TRANSITIONS) as TicketType[]) {
      expect(allowedTransitions(type, 'closed')).toEqual([]);
      expect(allowedTransitions(type, 'cancelled')).toEqual([]);
    }
  });

  it('problems never go on hold and incidents never become known errors', () => {
    expect(allowedTransitions('problem', 'in_progress')).not.toContain('on_hold');
    expect(allowedTransitions('incident', 'in_progress')).not.toContain('known_error');
  });

  it('reopen is resolved → in_progress only', () => {
    expect(isReopen('resolved', 'in_progress')).toBe(true);
    expect(isReopen('on_hold', 'in_progress')).toBe(false);
  });
});
