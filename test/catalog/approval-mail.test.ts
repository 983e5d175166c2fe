import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../functions/shared/authz.js';
import { creationHistory, newTicket } from '../../functions/tickets/rules.js';
import { DOMAIN, type MailWorld, mailWorld } from '../email/mail-world.js';

/** Request approval mail (docs/catalog.md#approval-timers) through the notifier on in-memory stores. */
describe('request approval notices', () => {
  let w: MailWorld;
  const rita: Caller = { id: 'rita', email: 'rita@example.com', name: 'Rita', roles: new Set(['requester']) };

  beforeEach(async () => {
    w = await mailWorld({});
  });

  async function request(): Promise<string> {
    const stamp = { now: w.clock.now().toISOString(), eventId: w.newId() };
    const ticket = {
      ...newTicket('REQ-000007', { type: 'service_request', title: 'New laptop' }, rita, stamp),
    };
    await w.tickets.commit([{ after: ticket, history: creationHistory(ticket, rita, stamp) }]);
    return ticket.id;
  }

  it('mails the escalation to the group address, once; the request to every group asked', async () => {
    await w.addGroup('it-approvers', { email: 'it@example.com' });
    await w.addGroup('finance-approvers', { email: 'fin@example.com' });
    const id = await request();
    const escalated = {
      detailType: 'Request Approval Escalated',
      detail: { eventId: 'ev-esc', ticketId: id, group: 'it-approvers' },
    };
    expect(await w.notifier.handle(escalated)).toBe('sent');
    expect(await w.notifier.handle(escalated)).toBe('duplicate');
    expect(w.outbox).toHaveLength(1);
    expect(w.outbox[0]).toMatchObject({
      to: ['it@example.com'],
      subject: `[${id}] Approval overdue: ${id} New laptop`,
      messageId: `<${id}.ev-esc@${DOMAIN}>`,
      automatic: true,
    });
    const requested = {
      detailType: 'Request Approval Requested',
      detail: { eventId: 'ev-req', ticketId: id, groups: ['it-approvers', 'finance-approvers'] },
    };
    expect(await w.notifier.handle(requested)).toBe('sent');
    expect(w.outbox[1]).toMatchObject({
      to: ['it@example.com', 'fin@example.com'],
      subject: `[${id}] Approval requested: ${id} New laptop`,
    });
  });

  it('a group without an address: nobody to mail', async () => {
    await w.addGroup('it-approvers', {});
    const id = await request();
    const event = {
      detailType: 'Request Approval Escalated',
      detail: { eventId: 'ev-x', ticketId: id, group: 'it-approvers' },
    };
    expect(await w.notifier.handle(event)).toBe('no-recipient');
    expect(w.outbox).toEqual([]);
  });
});
