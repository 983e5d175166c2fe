import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.js';
import { canSee, visibleTo } from '../../functions/tickets/access.js';
import { linkTickets } from '../../functions/tickets/links.js';
import { formatTicketId, type Ticket, withTicketDefaults } from '../../functions/tickets/model.js';
import { addComment, applyUpdate, newTicket, updateHistory } from '../../functions/tickets/rules.js';
import { admin, agent, alice, approver, bob, caller, stamp, ticket } from './fixtures.js';

describe('ticket ids', () => {
  it.each([
    ['incident', 42, 'INC-000042'],
    ['service_request', 1, 'REQ-000001'],
    ['problem', 999999, 'PRB-999999'],
    ['incident', 1234567, 'INC-1234567'],
  ] as const)('%s #%i → %s', (type, sequence, id) => {
    expect(formatTicketId(type, sequence)).toBe(id);
  });
});

describe('creating a ticket', () => {
  it('a requester files for themself, priority derived, status new, version 1', () => {
    const t = newTicket(
      'INC-000001',
      { type: 'incident', title: 'x', impact: 1, urgency: 2 },
      alice,
      stamp(),
    );
    expect(t).toMatchObject({
      status: 'new',
      priority: 2,
      version: 1,
      requester: { id: 'alice' },
      source: 'api',
    });
  });

  it('defaults impact and urgency to 3 (P5)', () => {
    expect(newTicket('INC-000001', { type: 'incident', title: 'x' }, alice, stamp()).priority).toBe(5);
  });

  it.each(['requester', 'assignee', 'group', 'source'] as const)('a requester may not set %s', (field) => {
    const value = field === 'requester' ? { id: 'bob' } : field === 'source' ? 'alert' : 'x';
    expect(() =>
      newTicket('INC-000001', { type: 'incident', title: 'x', [field]: value }, alice, stamp()),
    ).toThrow(ForbiddenError);
  });

  it('an agent files on behalf of someone and pre-assigns', () => {
    const t = newTicket(
      'INC-000001',
      { type: 'incident', title: 'x', requester: { id: 'bob' }, assignee: 'ann', group: 'service-desk' },
      agent,
      stamp(),
    );
    expect(t).toMatchObject({
      requester: { id: 'bob', email: null },
      assignee: 'ann',
      group: 'service-desk',
    });
  });

  it('ciIds are de-duplicated and listed as affects links', () => {
    const t = newTicket(
      'INC-000001',
      { type: 'incident', title: 'x', ciIds: ['db1', 'db1', 'web'] },
      agent,
      stamp(),
    );
    expect(t.ciIds).toEqual(['db1', 'web']);
    expect(t.links).toEqual([
      { type: 'affects', targetId: 'db1' },
      { type: 'affects', targetId: 'web' },
    ]);
  });

  it("a named service is manual (an alert's: alert); the CMDB fields start empty", () => {
    const plain = newTicket('INC-000001', { type: 'incident', title: 'x' }, alice, stamp());
    expect(plain).toMatchObject({
      serviceId: null,
      serviceIdSource: null,
      affectedServices: [],
      unknownCiIds: [],
    });
    const named = newTicket('INC-000002', { type: 'incident', title: 'x', serviceId: 'crm' }, alice, stamp());
    expect(named).toMatchObject({ serviceId: 'crm', serviceIdSource: 'manual' });
    const alerted = newTicket(
      'INC-000003',
      { type: 'incident', title: 'x', serviceId: 'crm', source: 'alert' },
      agent,
      stamp(),
    );
    expect(alerted.serviceIdSource).toBe('alert');
  });
});

describe('tickets stored before the CMDB fields', () => {
  it('read with their defaults; current ones read as they are', () => {
    const current = ticket({ serviceId: 'crm', serviceIdSource: 'ci', unknownCiIds: ['x'] });
    const { serviceId, serviceIdSource, affectedServices, unknownCiIds, ...legacy } = current;
    expect(withTicketDefaults(legacy)).toEqual({
      ...legacy,
      serviceId: null,
      serviceIdSource: null,
      affectedServices: [],
      unknownCiIds: [],
    } satisfies Ticket);
    expect(withTicketDefaults(current)).toEqual(current);
  });
});

describe('visibility (404, not 403, for what a caller may not see)', () => {
  const t = ticket();
  it.each([
    ['the requester', alice, true],
    ['another requester', bob, false],
    ['an agent', agent, true],
    ['an approver', approver, true],
    ['an admin', admin, true],
  ] as const)('%s → visible=%s', (_label, who, visible) => {
    expect(canSee(t, who)).toBe(visible);
  });

  it('throws NotFound for an invisible ticket', () => {
    expect(() => visibleTo(t, bob, t.id)).toThrow(NotFoundError);
  });
});

describe('updating a ticket', () => {
  it('a staff member names or clears the service (manual); the same one again is no change', () => {
    const t = ticket({ serviceId: 'crm', serviceIdSource: 'ci' });
    expect(applyUpdate(t, { serviceId: 'crm' }, agent, stamp()).changes).toEqual([]);
    const moved = applyUpdate(t, { serviceId: 'mail' }, agent, stamp());
    expect(moved.ticket).toMatchObject({ serviceId: 'mail', serviceIdSource: 'manual' });
    expect(moved.changes).toEqual([
      { field: 'serviceId', from: 'crm', to: 'mail' },
      { field: 'serviceIdSource', from: 'ci', to: 'manual' },
    ]);
    expect(applyUpdate(t, { serviceId: null }, agent, stamp()).ticket).toMatchObject({
      serviceId: null,
      serviceIdSource: null,
    });
    expect(() => applyUpdate(ticket(), { serviceId: 'crm' }, alice, stamp())).toThrow(ForbiddenError);
  });

  it('moves status, bumps version, stamps updatedAt and records from→to', () => {
    const before = ticket();
    const result = applyUpdate(before, { status: 'in_progress' }, agent, stamp('2026-11-23T11:00:00.000Z'));
    expect(result.ticket).toMatchObject({
      status: 'in_progress',
      version: 2,
      updatedAt: '2026-11-23T11:00:00.000Z',
    });
    expect(result.changes).toEqual([{ field: 'status', from: 'new', to: 'in_progress' }]);
  });

  it('an illegal transition is a conflict naming the allowed moves', () => {
    const before = ticket({ status: 'closed' });
    try {
      applyUpdate(before, { status: 'in_progress' }, agent, stamp());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).extensions).toMatchObject({
        from: 'closed',
        to: 'in_progress',
        allowed: [],
      });
    }
  });

  it('on_hold requires a holdReason and clears it when leaving', () => {
    expect(() => applyUpdate(ticket(), { status: 'on_hold' }, agent, stamp())).toThrow(ValidationError);
    const held = applyUpdate(
      ticket(),
      { status: 'on_hold', holdReason: 'awaiting_vendor' },
      agent,
      stamp(),
    ).ticket;
    expect(held.holdReason).toBe('awaiting_vendor');
    expect(applyUpdate(held, { status: 'in_progress' }, agent, stamp()).ticket.holdReason).toBeNull();
  });

  it('holdReason without on_hold is rejected', () => {
    expect(() => applyUpdate(ticket(), { holdReason: 'scheduled' }, agent, stamp())).toThrow(ValidationError);
  });

  it('resolving requires a resolution and stamps resolvedAt; closing stamps closedAt', () => {
    expect(() => applyUpdate(ticket(), { status: 'resolved' }, agent, stamp())).toThrow(/resolution/);
    const resolved = applyUpdate(
      ticket(),
      { status: 'resolved', resolution: { code: 'fixed', notes: 'rebooted' } },
      agent,
      stamp('2026-11-23T12:00:00.000Z'),
    ).ticket;
    expect(resolved).toMatchObject({ resolvedAt: '2026-11-23T12:00:00.000Z', resolution: { code: 'fixed' } });
    const closed = applyUpdate(
      resolved,
      { status: 'closed' },
      agent,
      stamp('2026-11-30T12:00:00.000Z'),
    ).ticket;
    expect(closed.closedAt).toBe('2026-11-30T12:00:00.000Z');
  });

  it('reopen clears resolvedAt and resolution', () => {
    const resolved = ticket({
      status: 'resolved',
      resolvedAt: '2026-11-23T12:00:00.000Z',
      resolution: { code: 'fixed', notes: 'n' },
    });
    const reopened = applyUpdate(resolved, { status: 'in_progress' }, alice, stamp()).ticket;
    expect(reopened).toMatchObject({ status: 'in_progress', resolvedAt: null, resolution: null });
  });

  it('impact/urgency changes re-derive priority', () => {
    const result = applyUpdate(ticket(), { impact: 1, urgency: 1 }, agent, stamp());
    expect(result.ticket.priority).toBe(1);
    expect(result.changes.map((change) => change.field)).toEqual(['impact', 'urgency', 'priority']);
  });

  it('a no-op update changes nothing and keeps the version', () => {
    const before = ticket();
    const result = applyUpdate(before, { title: before.title }, agent, stamp());
    expect(result.changes).toEqual([]);
    expect(result.ticket).toBe(before);
  });

  it.each([
    ['title on a new ticket', {}, { title: 'better' }, true],
    ['description on a new ticket', {}, { description: 'more' }, true],
    ['title once in progress', { status: 'in_progress' as const }, { title: 'x' }, false],
    ['assignee', {}, { assignee: 'ann' }, false],
    ['status other than reopen', {}, { status: 'cancelled' as const }, false],
    ['reopen', { status: 'resolved' as const }, { status: 'in_progress' as const }, true],
  ])('requester changes %s → allowed=%s', (_label, state, input, allowed) => {
    const run = () => applyUpdate(ticket(state), input, alice, stamp());
    if (allowed) expect(run().changes.length).toBeGreaterThan(0);
    else expect(run).toThrow(ForbiddenError);
  });

  it('an approver without agent role may not update', () => {
    expect(() => applyUpdate(ticket(), { status: 'in_progress' }, approver, stamp())).toThrow(ForbiddenError);
  });

  it('history carries Ticket Updated and, on a status move, Ticket Status Changed', () => {
    const before = ticket();
    const s = stamp();
    const result = applyUpdate(before, { status: 'in_progress', assignee: 'ann' }, agent, s);
    const history = updateHistory(before, result, agent, s);
    expect(history.events.map((event) => event.detailType)).toEqual([
      'Ticket Updated',
      'Ticket Status Changed',
    ]);
    expect(history.actor).toEqual({ id: 'ann', name: 'ann' });
  });
});

describe('comments', () => {
  const commentStamp = () => ({ ...stamp(), commentId: 'c1' });

  it('a requester reply to a ticket awaiting them moves it back to in_progress', () => {
    const waiting = ticket({ status: 'on_hold', holdReason: 'awaiting_customer' });
    const result = addComment(waiting, { body: 'here you go' }, alice, commentStamp());
    expect(result.ticket).toMatchObject({
      status: 'in_progress',
      holdReason: null,
      version: waiting.version + 1,
    });
    expect(result.history.events.map((event) => event.detailType)).toEqual([
      'Comment Added',
      'Ticket Status Changed',
    ]);
  });

  it.each([
    ['awaiting_vendor', alice],
    ['awaiting_customer', agent],
  ] as const)('on hold %s, a comment by %o does not resume', (holdReason, who) => {
    const waiting = ticket({ status: 'on_hold', holdReason });
    expect(addComment(waiting, { body: 'x' }, who, commentStamp()).ticket.status).toBe('on_hold');
  });

  it("the requester's reopening reply (email) takes a resolved ticket back to in_progress", () => {
    const resolved = ticket({
      status: 'resolved',
      resolvedAt: '2026-11-20T10:00:00.000Z',
      resolution: { code: 'fixed', notes: 'rebooted' },
    });
    const result = addComment(resolved, { body: 'still broken', reopens: true }, alice, commentStamp());
    expect(result.ticket).toMatchObject({ status: 'in_progress', resolvedAt: null, resolution: null });
    expect(result.history.changes.map((change) => change.field)).toEqual(
      expect.arrayContaining(['comments', 'status', 'resolvedAt', 'resolution']),
    );
    expect(result.history.events).toContainEqual({
      detailType: 'Ticket Status Changed',
      detail: { ticketId: resolved.id, from: 'resolved', to: 'in_progress' },
    });
  });

  it.each([
    ['without the flag (API comments)', alice, { body: 'x' }, 'resolved'],
    ['by an agent', agent, { body: 'x', reopens: true }, 'resolved'],
    ['as an internal note', agent, { body: 'x', visibility: 'internal' as const, reopens: true }, 'resolved'],
  ] as const)('a reply %s does not reopen', (_, who, input, status) => {
    const resolved = ticket({ status: 'resolved', resolvedAt: '2026-11-20T10:00:00.000Z' });
    expect(addComment(resolved, input, who, commentStamp()).ticket.status).toBe(status);
  });

  it('the reopening flag changes nothing on a ticket that is not resolved', () => {
    const open = ticket({ status: 'in_progress' });
    const result = addComment(open, { body: 'x', reopens: true }, alice, commentStamp());
    expect(result.ticket.status).toBe('in_progress');
    expect(result.history.events.map((event) => event.detailType)).toEqual(['Comment Added']);
  });

  it('requesters may not add internal notes; strangers may not comment', () => {
    expect(() => addComment(ticket(), { body: 'x', visibility: 'internal' }, alice, commentStamp())).toThrow(
      ForbiddenError,
    );
    expect(() => addComment(ticket(), { body: 'x' }, approver, commentStamp())).toThrow(ForbiddenError);
  });

  it('closed tickets take internal notes only', () => {
    const closed = ticket({ status: 'closed' });
    expect(() => addComment(closed, { body: 'x' }, agent, commentStamp())).toThrow(ConflictError);
    expect(
      addComment(closed, { body: 'x', visibility: 'internal' }, agent, commentStamp()).comment.visibility,
    ).toBe('internal');
  });
});

describe('links', () => {
  const incident = ticket();
  const problem = ticket({ id: 'PRB-000001', type: 'problem' });

  it('stores the link on both tickets with the inverse type', () => {
    const result = linkTickets(incident, problem, 'caused_by', agent, [stamp(), stamp()]);
    expect(result.source.links).toContainEqual({ type: 'caused_by', targetId: 'PRB-000001' });
    expect(result.target.links).toContainEqual({ type: 'causes', targetId: 'INC-000001' });
    expect([result.source.version, result.target.version]).toEqual([
      incident.version + 1,
      problem.version + 1,
    ]);
  });

  it.each([
    ['parent_of', 'child_of'],
    ['duplicate_of', 'has_duplicate'],
    ['relates_to', 'relates_to'],
  ] as const)('%s is stored on the target as %s', (type, inverse) => {
    const other = ticket({ id: 'INC-000002' });
    expect(linkTickets(incident, other, type, agent, [stamp(), stamp()]).target.links).toContainEqual({
      type: inverse,
      targetId: incident.id,
    });
  });

  it('caused_by must point at a problem; a ticket cannot link itself; a pair links once', () => {
    expect(() =>
      linkTickets(incident, ticket({ id: 'INC-000002' }), 'caused_by', agent, [stamp(), stamp()]),
    ).toThrow(ValidationError);
    expect(() => linkTickets(incident, incident, 'relates_to', agent, [stamp(), stamp()])).toThrow(
      ValidationError,
    );
    const linked = linkTickets(incident, problem, 'caused_by', agent, [stamp(), stamp()]).source;
    expect(() => linkTickets(linked, problem, 'relates_to', agent, [stamp(), stamp()])).toThrow(
      ConflictError,
    );
  });

  it('fixtures: roles are what they claim', () => {
    expect(caller('x').roles.size).toBe(0);
  });
});
