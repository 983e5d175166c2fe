import { describe, expect, it } from 'vitest';
import {
  ALWAYS_ON_CALENDAR,
  type Calendar,
  DEFAULT_BUSINESS_CALENDAR,
} from '../../../functions/sla/calendar.js';
import { type ClockedTicket, type SlaConfig, trackSla } from '../../../functions/sla/clocks.js';
import { DEFAULT_POLICIES, type SlaPolicy, selectPolicy } from '../../../functions/sla/policy.js';
import { stats } from '../../../functions/sla/report.js';
import { nextSlaDeadline, sweepTicket } from '../../../functions/sla/sweep.js';

const stamp = { version: 1, updatedAt: '2026-01-01T00:00:00.000Z' };
const always: Calendar = { ...ALWAYS_ON_CALENDAR, ...stamp };
const business: Calendar = { ...DEFAULT_BUSINESS_CALENDAR, ...stamp };
const policies: SlaPolicy[] = DEFAULT_POLICIES.map((p) => ({ ...p, ...stamp }));
const config: SlaConfig = { policies, calendars: new Map([always, business].map((c) => [c.id, c])) };
const T0 = Date.parse('2026-11-23T10:00:00.000Z'); // Monday, inside business hours
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

function ticket(overrides: Partial<ClockedTicket> = {}): ClockedTicket {
  return {
    id: 'INC-000001',
    type: 'incident',
    priority: 1,
    status: 'new',
    createdAt: iso(0),
    sla: null,
    ...overrides,
  };
}

/** Applies a sequence of (minute, change) steps like the service does, returning the last state. */
function run(steps: [number, Partial<ClockedTicket>, { responded?: boolean }?][]): ClockedTicket {
  let current: ClockedTicket | undefined;
  for (const [minute, change, signals] of steps) {
    const next = { ...(current ?? ticket()), ...change };
    next.sla = trackSla(current, next, config, at(minute), signals).sla;
    current = next;
  }
  return current!;
}

describe('policy selection', () => {
  it.each([
    [1, 'p1'],
    [2, 'p2'],
    [3, 'p3'],
    [4, 'p4'],
    [5, undefined],
  ])('P%i → %s', (priority, id) => {
    expect(selectPolicy(policies, { type: 'incident', priority })?.id).toBe(id);
  });

  it('the first matching policy by order wins', () => {
    const vip = { ...policies[0]!, id: 'vip', order: 1, match: { type: 'incident' as const } };
    expect(selectPolicy([...policies, vip], { type: 'incident', priority: 3 })?.id).toBe('vip');
    expect(selectPolicy([...policies, vip], { type: 'problem', priority: 3 })?.id).toBe('p3');
  });
});

describe('clock rules', () => {
  it('start at creation with target, warning and due on the policy calendar', () => {
    const t = run([[0, {}]]);
    expect(t.sla!.firstResponse).toMatchObject({
      startedAt: iso(0),
      dueAt: iso(15),
      warnAt: iso(12),
      metAt: null,
    });
  });

  it('pauses in pauseOn statuses keep time out of both clocks', () => {
    const t = run([
      [0, {}],
      [5, { status: 'on_hold' }],
      [65, { status: 'in_progress' }],
    ]);
    expect(t.sla!.firstResponse).toMatchObject({ pausedMs: 60 * 60_000, dueAt: iso(75) });
    expect(t.sla!.resolution.dueAt).toBe(iso(300));
  });

  it('first response is met by a response signal, and then no longer pauses', () => {
    const t = run([
      [0, {}],
      [3, {}, { responded: true }],
      [4, { status: 'on_hold' }],
      [10, { status: 'in_progress' }],
    ]);
    expect(t.sla!.firstResponse).toMatchObject({ metAt: iso(3), pauses: [] });
    expect(t.sla!.resolution.pausedMs).toBe(6 * 60_000);
  });

  it('reopen continues resolution with the time spent; the resolved interval does not count', () => {
    const t = run([
      [0, {}],
      [60, { status: 'resolved' }],
      [180, { status: 'in_progress' }],
    ]);
    expect(t.sla!.resolution).toMatchObject({ metAt: null, pausedMs: 120 * 60_000, dueAt: iso(360) });
    expect(t.sla!.firstResponse.metAt).toBe(iso(60));
  });

  it('a policy change mid-pause keeps the pause and recomputes from the original start', () => {
    const t = run([
      [0, { priority: 4 }],
      [10, { status: 'on_hold' }],
      [30, { priority: 1 }],
      [40, { status: 'in_progress' }],
    ]);
    expect(t.sla!.policyId).toBe('p1');
    expect(t.sla!.firstResponse).toMatchObject({ pauses: [{ from: iso(10), to: iso(40) }], dueAt: iso(45) });
  });

  it('late completion records the breach at the due instant with an event', () => {
    const before = run([[0, {}]]);
    const after = { ...before };
    const result = trackSla(before, after, config, at(20), { responded: true });
    expect(result.sla!.firstResponse).toMatchObject({ metAt: iso(20), breachedAt: iso(15) });
    expect(result.events.map((e) => e.detailType)).toEqual(['SLA Breached']);
  });

  it('no policy (P5) means no clocks', () => {
    expect(run([[0, { priority: 5 }]]).sla).toBeNull();
  });
});

describe('sweeping one ticket', () => {
  it('records warning then breach at their instants, once', () => {
    const t = run([[0, {}]]);
    const warned = sweepTicket(t, always, at(13));
    expect(warned.events.map((e) => e.detailType)).toEqual(['SLA Warning']);
    expect(warned.sla!.firstResponse.warnedAt).toBe(iso(12));
    const again = sweepTicket({ ...t, sla: warned.sla! }, always, at(14));
    expect(again).toEqual({ events: [], notify: [] });
    const breached = sweepTicket({ ...t, sla: warned.sla! }, always, at(16));
    expect(breached.events.map((e) => e.detailType)).toEqual(['SLA Breached']);
    expect(breached.sla!.firstResponse.breachedAt).toBe(iso(15));
  });

  it('a paused, met or final ticket yields nothing', () => {
    const paused = run([
      [0, {}],
      [1, { status: 'on_hold' }],
    ]);
    expect(sweepTicket(paused, always, at(100)).events).toEqual([]);
    const cancelled = run([
      [0, {}],
      [1, { status: 'cancelled' }],
    ]);
    expect(sweepTicket(cancelled, always, at(1000)).events).toEqual([]);
  });

  it('defers notices to the notice calendar except for P1', () => {
    const p2 = run([[0, { priority: 2 }]]);
    const night = new Date('2026-11-23T21:00:00.000Z');
    const result = sweepTicket(p2, business, night);
    expect(result.notify).toEqual([]);
    expect(result.sla!.pendingNotices.every((n) => n.notBefore === '2026-11-24T09:00:00.000Z')).toBe(true);
    expect(sweepTicket(run([[0, {}]]), business, night).notify.length).toBeGreaterThan(0);
  });

  it('next deadline: warning first, then due, nothing once paused or final', () => {
    const t = run([[0, {}]]);
    expect(nextSlaDeadline(t)).toBe(iso(12));
    const warned = { ...t, sla: sweepTicket(t, always, at(13)).sla! };
    expect(nextSlaDeadline(warned)).toBe(iso(15));
    expect(
      nextSlaDeadline(
        run([
          [0, {}],
          [1, { status: 'on_hold' }],
        ]),
      ),
    ).toBeUndefined();
    expect(
      nextSlaDeadline(
        run([
          [0, {}],
          [1, { status: 'cancelled' }],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('report statistics', () => {
  it.each([
    [[], { mean: null, p90: null }],
    [[10], { mean: 10, p90: 10 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { mean: 5.5, p90: 9 }],
    [[5, 1, 3], { mean: 3, p90: 5 }],
  ])('%j → %j', (values, expected) => {
    expect(stats(values)).toEqual(expected);
  });
});
