import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commentCause,
  fcrEligible,
  isFirstContactResolution,
  nextMetrics,
  withMetrics,
} from '../../functions/tickets/metrics.js';
import { NO_METRICS, type Ticket, type TicketStatus } from '../../functions/tickets/model.js';
import { ticket } from '../domain/fixtures.js';

// The pure metrics rules (functions/tickets/metrics.ts, docs/ticket-metrics.md#metrics).
const T = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute)).toISOString();

/** Applies a write: the fields change, then the metrics follow, as every ticket path does. */
function write(
  before: Ticket,
  fields: Partial<Ticket>,
  minute: number,
  cause?: Parameters<typeof nextMetrics>[3],
): Ticket {
  return withMetrics(before, { ...before, ...fields, version: before.version + 1 }, T(minute), cause);
}

const created = (fields: Partial<Ticket> = {}) => withMetrics(undefined, ticket(fields), T(0));

describe('ticket metrics', () => {
  it('a new ticket starts from the defaults; pre-assigned, it is acknowledged at creation', () => {
    expect(created().metrics).toEqual(NO_METRICS);
    expect(created({ assignee: 'ann' }).metrics.acknowledgedAt).toBe(T(0));
    // Routing a new ticket to a group is not a reassignment.
    expect(created({ group: 'service-desk' }).metrics.groupChanges).toBe(0);
  });

  it('acknowledged by the first of leaving new, an assignee, a public agent reply, an alert acknowledge', () => {
    const base = created();
    expect(write(base, { status: 'in_progress' }, 5).metrics.acknowledgedAt).toBe(T(5));
    expect(write(base, { assignee: 'ann' }, 6).metrics.acknowledgedAt).toBe(T(6));
    expect(write(base, {}, 7, commentCause('agent', 'public')).metrics.acknowledgedAt).toBe(T(7));
    expect(write(base, {}, 8, { kind: 'alert_acknowledged' }).metrics.acknowledgedAt).toBe(T(8));
    const alerted = { ...base, alert: { acknowledgedAt: null } } as Ticket;
    const acked = write(alerted, { alert: { acknowledgedAt: T(9) } } as Partial<Ticket>, 9);
    expect(acked.metrics.acknowledgedAt).toBe(T(9));
    // An acknowledge the alert block recorded before this write (intake stamps it as it commits)
    // counts at its own time.
    const stamped = { ...base, alert: { acknowledgedAt: T(2) } } as Ticket;
    expect(write(stamped, { title: 'later' }, 9).metrics.acknowledgedAt).toBe(T(2));
    // Not by: an internal note, a requester's comment, a change of title.
    expect(write(base, {}, 3, commentCause('agent', 'internal')).metrics.acknowledgedAt).toBeNull();
    expect(write(base, {}, 3, commentCause('requester', 'public')).metrics.acknowledgedAt).toBeNull();
    expect(write(base, {}, 3, commentCause('other', 'public')).metrics.acknowledgedAt).toBeNull();
    expect(write(base, { title: 'new title' }, 3).metrics.acknowledgedAt).toBeNull();
    // The first one stays.
    const first = write(base, { status: 'in_progress' }, 5);
    expect(write(first, { assignee: 'ann' }, 9).metrics.acknowledgedAt).toBe(T(5));
  });

  it('a catalog request (never new) is acknowledged when one of its tasks is taken up', () => {
    const task = {
      id: 'a',
      name: 'A',
      groupId: 'g',
      after: [],
      instructions: null,
      status: 'open' as const,
      assignee: null,
      notes: null,
    };
    const request = created({ type: 'service_request', status: 'in_progress', tasks: [task] });
    expect(request.metrics.acknowledgedAt).toBeNull();
    const taken = write(request, { tasks: [{ ...task, status: 'in_progress' }] }, 4);
    expect(taken.metrics.acknowledgedAt).toBe(T(4));
    expect(write(request, { tasks: [{ ...task, assignee: 'ann' }] }, 5).metrics.acknowledgedAt).toBe(T(5));
  });

  it('counts group changes only after the first non-null group, clearing included', () => {
    let t = created();
    t = write(t, { group: 'network' }, 1);
    expect(t.metrics.groupChanges).toBe(0);
    t = write(t, { group: 'service-desk' }, 2);
    expect(t.metrics.groupChanges).toBe(1);
    t = write(t, { group: null }, 3);
    t = write(t, { group: 'network' }, 4);
    expect(t.metrics.groupChanges).toBe(3);
    t = write(t, { title: 'same group' }, 5);
    expect(t.metrics.groupChanges).toBe(3);
  });

  it('counts public agent replies and requester follow-ups; internal notes and others count nothing', () => {
    let t = created();
    t = write(t, {}, 1, commentCause('agent', 'public'));
    t = write(t, {}, 2, commentCause('agent', 'internal'));
    t = write(t, {}, 3, commentCause('requester', 'public'));
    t = write(t, {}, 4, commentCause('requester', 'public'));
    t = write(t, {}, 5, commentCause('other', 'public'));
    expect(t.metrics).toMatchObject({ agentPublicReplies: 1, requesterFollowUps: 2 });
  });

  it('a reopen counts; firstResolvedAt is the first resolution; fcr is decided at each resolution', () => {
    let t = write(created(), { status: 'in_progress' }, 1);
    t = write(t, { status: 'resolved' }, 2, undefined);
    expect(t.metrics).toMatchObject({ firstResolvedAt: T(2), fcr: true, reopenCount: 0 });
    t = write(t, { status: 'in_progress' }, 3);
    expect(t.metrics).toMatchObject({ firstResolvedAt: T(2), fcr: null, reopenCount: 1 });
    t = write(t, { status: 'resolved' }, 4);
    expect(t.metrics).toMatchObject({ firstResolvedAt: T(2), fcr: false, reopenCount: 1 });
    t = write(t, { status: 'closed' }, 5);
    expect(t.metrics.fcr).toBe(false);
  });

  it('fcr is false after a group change, a follow-up or two agent replies; one reply keeps it', () => {
    const open = write(created({ group: 'service-desk' }), { status: 'in_progress' }, 1);
    const resolve = (t: Ticket) => write(t, { status: 'resolved' }, 9).metrics.fcr;
    expect(resolve(write(open, {}, 2, commentCause('agent', 'public')))).toBe(true);
    const twice = write(
      write(open, {}, 2, commentCause('agent', 'public')),
      {},
      3,
      commentCause('agent', 'public'),
    );
    expect(resolve(twice)).toBe(false);
    expect(resolve(write(open, {}, 2, commentCause('requester', 'public')))).toBe(false);
    expect(resolve(write(open, { group: 'network' }, 2))).toBe(false);
  });

  it('fcr stays null for alert tickets and problems, and for cancelled tickets', () => {
    const resolved = (fields: Partial<Ticket>) => write(created(fields), { status: 'resolved' }, 3).metrics;
    expect(resolved({ source: 'alert' })).toMatchObject({ fcr: null, firstResolvedAt: T(3) });
    expect(resolved({ type: 'problem', status: 'known_error' }).fcr).toBeNull();
    expect(resolved({ type: 'service_request' }).fcr).toBe(true);
    expect(write(created(), { status: 'cancelled' }, 3).metrics.fcr).toBeNull();
    expect(fcrEligible({ type: 'incident', source: 'email' })).toBe(true);
  });

  it('a ticket stored before metrics existed reads as the defaults and counts on from there', () => {
    const old = { ...ticket({ status: 'resolved' }), metrics: NO_METRICS };
    expect(write(old, { status: 'in_progress' }, 1).metrics).toMatchObject({ reopenCount: 1, fcr: null });
  });

  // Properties over random write sequences.
  const STATUSES: TicketStatus[] = ['new', 'in_progress', 'on_hold', 'resolved', 'closed', 'cancelled'];
  const step = fc.record({
    status: fc.constantFrom(...STATUSES),
    group: fc.constantFrom(null, 'a', 'b'),
    assignee: fc.constantFrom(null, 'ann'),
    comment: fc.option(
      fc.record({
        by: fc.constantFrom('agent' as const, 'requester' as const, 'other' as const),
        visibility: fc.constantFrom('public' as const, 'internal' as const),
      }),
    ),
  });

  it('property: counts never fall, first times never move, fcr follows its definition', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 30 }), (alert, steps) => {
        let t = created({ source: alert ? 'alert' : 'api' });
        steps.forEach((s, i) => {
          const before = t;
          const cause = s.comment ? commentCause(s.comment.by, s.comment.visibility) : undefined;
          t = write(before, { status: s.status, group: s.group, assignee: s.assignee }, i + 1, cause);
          const [m, p] = [t.metrics, before.metrics];
          for (const key of [
            'reopenCount',
            'groupChanges',
            'agentPublicReplies',
            'requesterFollowUps',
          ] as const) {
            expect(m[key] - p[key]).toBeGreaterThanOrEqual(0);
            expect(m[key] - p[key]).toBeLessThanOrEqual(1);
          }
          if (p.acknowledgedAt) expect(m.acknowledgedAt).toBe(p.acknowledgedAt);
          if (p.firstResolvedAt) expect(m.firstResolvedAt).toBe(p.firstResolvedAt);
          if (before.status === 'resolved' && s.status === 'in_progress')
            expect(m.reopenCount).toBe(p.reopenCount + 1);
          if (s.status !== 'resolved' && s.status !== 'closed') expect(m.fcr).toBeNull();
          if (s.status === 'resolved' && before.status !== 'resolved') {
            expect(m.fcr).toBe(alert ? null : isFirstContactResolution(m));
            expect(m.firstResolvedAt).not.toBeNull();
          }
          if (alert) expect(m.fcr).toBeNull();
        });
      }),
      { numRuns: 300 },
    );
  });

  it('property: the same write applied twice to the same ticket gives the same metrics (redelivery-safe)', () => {
    fc.assert(
      fc.property(step, step, (a, b) => {
        const base = write(created(), { status: a.status, group: a.group }, 1);
        const next = { ...base, status: b.status, group: b.group, assignee: b.assignee };
        const cause = b.comment ? commentCause(b.comment.by, b.comment.visibility) : undefined;
        expect(nextMetrics(base, next, T(2), cause)).toEqual(nextMetrics(base, next, T(2), cause));
      }),
    );
  });
});
