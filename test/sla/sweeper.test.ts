import { beforeEach, describe, expect, it } from 'vitest';
import { SlaSweeper, type SweepSummary } from '../../functions/sla/sweeper.js';
import type { HistoryEntry } from '../../functions/tickets/model.js';
import type { CreateTicketInput } from '../../functions/tickets/rules.js';
import type { TicketService } from '../../functions/tickets/service.js';
import type { TicketStore } from '../../functions/tickets/store/ticket-store.js';
import { admin, agent, alice } from '../domain/fixtures.js';
import { RacingTicketStore } from '../tickets/racing-store.js';
import { type World, world } from '../tickets/world.js';
import { at, defaultPolicies } from './fixtures.js';

const DAY = 24 * 60;
const NOTHING = {
  examined: 0,
  warned: 0,
  breached: 0,
  notified: 0,
  unnotified: 0,
  unnotifiedNotices: [],
  closed: 0,
};

// The SLA sweeper (docs/sla.md#the-sweeper) on the in-memory stores with a frozen TestClock: the behaviour
// test/api/sla.test.ts drives over HTTP, each ticket's outcome checked exactly.
describe('SlaSweeper', () => {
  let w: World;
  let service: TicketService;

  beforeEach(async () => {
    w = await world();
    service = w.service();
    await w.addGroup('network', { email: 'net@example.com' });
  });

  const sweeper = (store: TicketStore = w.tickets) =>
    new SlaSweeper(store, w.slaConfig, w.groups, w.clock, w.newId);
  const sweep = (store?: TicketStore) => sweeper(store).sweep();
  const setClock = (minutes: number) => w.clock.set(new Date(at(minutes)));
  /** Filed by an agent for Alice in group network, so the agent's public comments are first responses. */
  const create = (input: Partial<CreateTicketInput> = {}) =>
    service.create(agent, {
      type: 'incident',
      title: 'sla',
      group: 'network',
      requester: { id: 'alice' },
      ...input,
    });
  const get = (id: string) => service.get(agent, id);
  const history = async (id: string): Promise<HistoryEntry[]> =>
    (await service.listHistory(agent, id, { limit: 100 })).items;
  const slaHistory = async (id: string) => (await history(id)).filter((h) => h.action === 'sla');
  const events = async (id: string, detailType: string) =>
    (await history(id)).flatMap((h) => h.events).filter((e) => e.detailType === detailType);
  const noticesOf = async (id: string) =>
    (await events(id, 'SLA Notice Due')).map((e) => `${e.detail.notice} ${e.detail.clock}`);
  const total = (summaries: SweepSummary[], key: 'warned' | 'breached' | 'notified' | 'closed') =>
    summaries.reduce((sum, summary) => sum + summary[key], 0);

  it('records the warning, then the breach, each once, however often and concurrently it sweeps', async () => {
    const t = await create({ impact: 1, urgency: 1 }); // P1, 24x7: warns at 12 min, due at 15
    setClock(11);
    expect(await sweep()).toEqual({ ...NOTHING, examined: 0 });
    setClock(13);
    expect(await sweep()).toEqual({ ...NOTHING, examined: 1, warned: 1, notified: 1 });
    expect((await get(t.id)).sla!.firstResponse).toMatchObject({ warnedAt: at(12), breachedAt: null });
    expect((await get(t.id)).sla!.resolution.warnedAt).toBeNull();
    expect(await sweep()).toMatchObject({ examined: 0 }); // next look: the due time
    expect(await slaHistory(t.id)).toHaveLength(1);

    setClock(16);
    const summaries = await Promise.all(Array.from({ length: 5 }, () => sweep()));
    expect(total(summaries, 'breached')).toBe(1);
    expect(total(summaries, 'warned')).toBe(0);
    const after = await get(t.id);
    expect(after.sla!.firstResponse).toMatchObject({ warnedAt: at(12), breachedAt: at(15) });
    expect(await events(t.id, 'SLA Warning')).toHaveLength(1);
    const breaches = await events(t.id, 'SLA Breached');
    expect(breaches).toHaveLength(1);
    expect(breaches[0]!.detail).toMatchObject({ ticketId: t.id, clock: 'firstResponse', breachedAt: at(15) });
    expect(await slaHistory(t.id)).toHaveLength(2);
    expect((await slaHistory(t.id))[1]).toMatchObject({
      actor: { id: 'opsdesk-sla' },
      changes: [{ field: 'sla.firstResponse', from: null, to: 'SLA Breached' }],
    });
  });

  it('a ticket changed between the read and the write is re-read and recorded once, the change kept', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    setClock(13);
    const racing = new RacingTicketStore(w.tickets);
    racing.beforeNextCommit(() => service.comment(agent, t.id, { body: 'note', visibility: 'internal' }));
    expect(await sweep(racing)).toMatchObject({ examined: 1, warned: 1 });
    expect(racing.stale).toBe(1);
    expect(await get(t.id)).toMatchObject({ version: 3, sla: { firstResponse: { warnedAt: at(12) } } });
    expect(await events(t.id, 'SLA Warning')).toHaveLength(1);
    expect((await service.listComments(agent, t.id, { limit: 10 })).items).toHaveLength(1);
  });

  it('paused clocks are not swept; resuming moves the due times by the paused time', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    await service.update(agent, t.id, { status: 'on_hold', holdReason: 'awaiting_vendor' });
    setClock(30);
    expect(await sweep()).toMatchObject({ examined: 0 });
    expect(await slaHistory(t.id)).toEqual([]);
    const resumed = await service.update(agent, t.id, { status: 'in_progress' });
    expect(resumed.sla!.firstResponse).toMatchObject({
      pausedMs: 30 * 60_000,
      dueAt: at(45),
      warnAt: at(42),
      breachedAt: null,
      pauses: [{ from: at(0), to: at(30) }],
    });
    expect(resumed.sla!.resolution.dueAt).toBe(at(270));
    setClock(43);
    expect(await sweep()).toMatchObject({ examined: 1, warned: 1, breached: 0 });
    expect((await get(t.id)).sla!.firstResponse.warnedAt).toBe(at(42));
  });

  it('a clock met in time never breaches', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    setClock(5);
    await service.comment(agent, t.id, { body: 'looking into it' });
    setClock(60);
    expect(await sweep()).toMatchObject({ examined: 0 });
    const after = await get(t.id);
    expect(after.sla!.firstResponse).toMatchObject({ metAt: at(5), warnedAt: null, breachedAt: null });
    expect(await slaHistory(t.id)).toEqual([]);
  });

  it('a clock completed late records its breach at completion; the sweeper does not record it again', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    setClock(20);
    await service.comment(agent, t.id, { body: 'sorry for the wait' });
    expect((await get(t.id)).sla!.firstResponse).toMatchObject({ metAt: at(20), breachedAt: at(15) });
    expect(await events(t.id, 'SLA Breached')).toHaveLength(1);
    expect(await sweep()).toMatchObject({ examined: 0 });
    setClock(200); // the resolution clock warns at 192
    expect(await sweep()).toMatchObject({ examined: 1, warned: 1, breached: 0 });
    expect(await events(t.id, 'SLA Breached')).toHaveLength(1);
  });

  it('P1 notices are owed at once, as events with the recording', async () => {
    const t = await create({ impact: 1, urgency: 1 });
    setClock(16);
    expect(await sweep()).toMatchObject({ warned: 1, breached: 1, notified: 2 });
    expect(await noticesOf(t.id)).toEqual(['warning firstResponse', 'breach firstResponse']);
    const [notice] = await events(t.id, 'SLA Notice Due');
    expect(notice!.detail).toEqual({
      ticketId: t.id,
      notice: 'warning',
      clock: 'firstResponse',
      policyId: 'p1',
      dueAt: at(15),
    });
    expect((await get(t.id)).sla!.pendingNotices).toEqual([]);
  });

  it('reports the notices nobody receives instead of counting them as notified', async () => {
    // P1, no group, no assignee: no address to mail, and no fallback address.
    const nobody = await create({ impact: 1, urgency: 1, group: null });
    const assigned = await create({ impact: 1, urgency: 1, group: null, assignee: 'ann@example.com' });
    setClock(16);
    expect(await sweep()).toEqual({
      ...NOTHING,
      examined: 2,
      warned: 2,
      breached: 2,
      notified: 2,
      unnotified: 2,
      unnotifiedNotices: [
        { ticketId: nobody.id, notice: 'warning', clock: 'firstResponse' },
        { ticketId: nobody.id, notice: 'breach', clock: 'firstResponse' },
      ],
    });
    // Still recorded as events: the bus may have other readers, and the record stays exact.
    expect(await noticesOf(nobody.id)).toEqual(['warning firstResponse', 'breach firstResponse']);
    expect(await noticesOf(assigned.id)).toHaveLength(2);
  });

  it('counts notices for the fallback address as notified, and none as notified when the stack mails nothing', async () => {
    const t = await create({ impact: 1, urgency: 1, group: null });
    const withFallback = new SlaSweeper(w.tickets, w.slaConfig, w.groups, w.clock, w.newId, {
      mail: true,
      fallbackAddress: 'oncall@example.com',
    });
    setClock(13);
    expect(await withFallback.sweep()).toMatchObject({ warned: 1, notified: 1, unnotified: 0 });
    const grouped = await create({ impact: 1, urgency: 1 }); // group network, with an address
    const noMail = new SlaSweeper(w.tickets, w.slaConfig, w.groups, w.clock, w.newId, {
      mail: false,
      fallbackAddress: null,
    });
    setClock(13 + 16); // grouped was created at 13: warned at 25, due at 28
    expect(await noMail.sweep()).toMatchObject({
      notified: 0,
      unnotified: 3, // t's breach; grouped's warning and breach
      unnotifiedNotices: [
        { ticketId: t.id, notice: 'breach', clock: 'firstResponse' },
        { ticketId: grouped.id, notice: 'warning', clock: 'firstResponse' },
        { ticketId: grouped.id, notice: 'breach', clock: 'firstResponse' },
      ],
    });
  });

  it("outside the group's hours a breach is recorded at once and noticed when they begin; a 24x7 group at once", async () => {
    // P2 around the clock; desk takes notices in business hours, noc around the clock.
    const p2 = defaultPolicies.find((policy) => policy.id === 'p2')!;
    await w.slaConfig.putPolicy(
      { ...p2, calendarId: '24x7', targets: { firstResponse: 30, resolution: 2880 }, version: 2 },
      1,
    );
    await w.addGroup('desk', { email: 'desk@example.com', calendarId: 'business-hours' });
    await w.addGroup('noc', { email: 'noc@example.com', calendarId: '24x7' });
    w.clock.set(new Date('2026-11-23T22:00:00.000Z')); // Monday 22:00 UTC
    const desk = await create({ impact: 1, urgency: 2, group: 'desk' });
    const noc = await create({ impact: 1, urgency: 2, group: 'noc' });
    expect(desk.sla).toMatchObject({ policyId: 'p2', calendarId: '24x7' });

    w.clock.set(new Date('2026-11-23T22:40:00.000Z')); // past the warning (22:24) and due (22:30)
    expect(await sweep()).toMatchObject({ examined: 2, warned: 2, breached: 2, notified: 2 });
    expect((await get(desk.id)).sla!.firstResponse.breachedAt).toBe('2026-11-23T22:30:00.000Z');
    expect(await noticesOf(desk.id)).toEqual([]);
    expect(await noticesOf(noc.id)).toEqual(['warning firstResponse', 'breach firstResponse']);
    expect((await get(desk.id)).sla!.pendingNotices).toEqual([
      { kind: 'warning', clock: 'firstResponse', notBefore: '2026-11-24T09:00:00.000Z' },
      { kind: 'breach', clock: 'firstResponse', notBefore: '2026-11-24T09:00:00.000Z' },
    ]);

    w.clock.set(new Date('2026-11-24T03:00:00.000Z'));
    expect(await sweep()).toMatchObject({ examined: 0 });
    w.clock.set(new Date('2026-11-24T09:01:00.000Z'));
    expect(await sweep()).toMatchObject({ examined: 1, warned: 0, breached: 0, notified: 2 });
    expect(await noticesOf(desk.id)).toEqual(['warning firstResponse', 'breach firstResponse']);
    expect((await get(desk.id)).sla!.pendingNotices).toEqual([]);
    await sweep();
    expect(await noticesOf(desk.id)).toHaveLength(2);
    expect(await events(desk.id, 'SLA Breached')).toHaveLength(1);
  });

  it('resolved tickets close by themselves after 7 days unless reopened', async () => {
    const stays = await create({ impact: 3, urgency: 3 }); // P5: no SLA, still auto-closed
    const reopened = await create({ impact: 3, urgency: 3 });
    const resolve = { status: 'resolved', resolution: { code: 'fixed', notes: 'done' } } as const;
    setClock(60);
    expect((await service.update(agent, stays.id, resolve)).autoCloseAt).toBe(at(60 + 7 * DAY));
    await service.update(agent, reopened.id, resolve);
    setClock(DAY);
    expect((await service.update(alice, reopened.id, { status: 'in_progress' })).autoCloseAt).toBeNull();
    setClock(7 * DAY + 59);
    expect(await sweep()).toMatchObject({ examined: 0, closed: 0 });
    setClock(7 * DAY + 61);
    expect(await sweep()).toMatchObject({ examined: 1, closed: 1 });
    expect(await get(stays.id)).toMatchObject({
      status: 'closed',
      autoCloseAt: null,
      closedAt: at(7 * DAY + 61),
    });
    expect((await get(reopened.id)).status).toBe('in_progress');
    expect((await history(stays.id)).at(-1)).toMatchObject({
      actor: { id: 'opsdesk-auto-close', name: 'Auto-close' },
      action: 'updated',
    });
    expect((await events(stays.id, 'Ticket Status Changed')).map((e) => e.detail.to)).toEqual([
      'resolved',
      'closed',
    ]);
    expect(await sweep()).toMatchObject({ examined: 0, closed: 0 });
  });

  it('reads what is due page by page, each ticket once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 130; i++) ids.add((await create({ impact: 1, urgency: 1 })).id);
    await service.update(admin, [...ids][0]!, { status: 'cancelled' }); // final: off the list
    setClock(13);
    expect(await sweep()).toEqual({ ...NOTHING, examined: 129, warned: 129, notified: 129 });
    expect(await sweep()).toMatchObject({ examined: 0 });
  });
});
