import type { Caller, Role } from '../../functions/shared/authz.js';
import type { Ticket } from '../../functions/tickets/model.js';
import { newTicket, type Stamp } from '../../functions/tickets/rules.js';

export function caller(id: string, ...roles: Role[]): Caller {
  return { id, email: `${id}@example.com`, name: id, roles: new Set(roles) };
}

export const alice = caller('alice', 'requester');
export const bob = caller('bob', 'requester');
export const agent = caller('ann', 'agent');
export const approver = caller('ahmed', 'approver');
export const admin = caller('root', 'admin');

let counter = 0;
export function stamp(now = '2026-11-23T10:00:00.000Z'): Stamp {
  counter += 1;
  return { now, eventId: `evt-${counter}` };
}

export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  const base = newTicket(
    'INC-000001',
    { type: 'incident', title: 'VPN down', impact: 2, urgency: 2 },
    alice,
    stamp(),
  );
  return { ...base, ...overrides };
}
