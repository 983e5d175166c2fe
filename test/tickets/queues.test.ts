import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryGroupStore } from '../../functions/groups/store/in-memory-group-store.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { ValidationError } from '../../functions/shared/errors.js';
import { createTicketCountsHandler } from '../../functions/tickets/counts.function.js';
import { parseCountParams, TicketCountService } from '../../functions/tickets/counts.js';
import type { Ticket } from '../../functions/tickets/model.js';
import { facetsOf, matchesFacets, nextSlaDue, parseQueueParams } from '../../functions/tickets/queue.js';
import { InMemoryTicketCountStore } from '../../functions/tickets/store/in-memory-ticket-count-store.js';
import { InMemoryViewStore } from '../../functions/tickets/store/in-memory-view-store.js';
import { ticketKey } from '../../functions/tickets/store/ticket-keys.js';
import { ViewService } from '../../functions/tickets/views.js';
import { admin, agent, alice, approver, caller, ticket } from '../domain/fixtures.js';
import { at } from '../sla/fixtures.js';
import { slaDueAt } from './store/ticket-queues.contract.js';

function faultsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).errors];
  }
  throw new Error('expected a ValidationError');
}

describe('queue parameters', () => {
  it('take several values comma-separated, `none`, ranges, flags and a sort', () => {
    expect(
      parseQueueParams({
        status: 'new,in_progress,new',
        priority: '1,2',
        assignee: 'none',
        group: 'service-desk,none',
        createdFrom: '2026-12-01T00:00:00Z',
        createdTo: '2026-12-02T00:00:00.000Z',
        slaBreached: 'true',
        sort: 'sla',
      }),
    ).toEqual({
      status: ['new', 'in_progress'],
      priority: [1, 2],
      assignee: [null],
      group: ['service-desk', null],
      createdFrom: '2026-12-01T00:00:00.000Z',
      createdTo: '2026-12-02T00:00:00.000Z',
      slaBreached: true,
      sort: 'sla',
    });
  });

  it('name the parameter of every fault: unknown values, >10 values, reversed ranges, unknown sorts', () => {
    expect(faultsOf(() => parseQueueParams({ status: 'new,opened' }))).toEqual([
      { path: 'status', message: expect.stringContaining('"opened" is not one of new') },
    ]);
    expect(
      faultsOf(() => parseQueueParams({ assignee: Array.from({ length: 11 }, (_, i) => `u${i}`).join(',') })),
    ).toEqual([{ path: 'assignee', message: 'takes at most 10 values, not 11' }]);
    expect(
      faultsOf(() =>
        parseQueueParams({ createdFrom: '2026-12-02T00:00:00Z', createdTo: '2026-12-01T00:00:00Z' }),
      ),
    ).toEqual([{ path: 'createdTo', message: 'must not be before createdFrom' }]);
    expect(
      faultsOf(() => parseQueueParams({ sort: 'relevance', priority: '0', updatedSince: 'yesterday' })).map(
        (e) => e.path,
      ),
    ).toEqual(['priority', 'updatedSince', 'sort']);
    expect(
      faultsOf(() => parseQueueParams({ group: 'Net Ops', slaBreached: 'yes', status: '' })).map(
        (e) => e.path,
      ),
    ).toEqual(['status', 'group', 'slaBreached']);
  });

  it('narrow by facets: none matches null, serviceId needs one, slaBreached reads the clocks', () => {
    const t = ticket({ assignee: null, serviceId: null, sla: slaDueAt(at(5), true) });
    expect(matchesFacets(facetsOf(t), { assignee: [null] })).toBe(true);
    expect(matchesFacets(facetsOf(t), { assignee: ['ann'] })).toBe(false);
    expect(matchesFacets(facetsOf(t), { serviceId: ['svc'] })).toBe(false);
    expect(matchesFacets(facetsOf(t), { slaBreached: true })).toBe(true);
    expect(matchesFacets(facetsOf(ticket({ sla: null })), { slaBreached: true })).toBe(false);
  });

  it('the next SLA due time: the earliest running clock; none once resolved or paused', () => {
    expect(nextSlaDue(ticket({ sla: slaDueAt(at(5)) }))).toBe(at(5));
    expect(nextSlaDue(ticket({ sla: slaDueAt(at(5)), status: 'resolved' }))).toBeUndefined();
    const paused = slaDueAt(at(5));
    const pausedSla = {
      ...paused,
      resolution: { ...paused.resolution, pauses: [{ from: at(1), to: null }] },
    };
    expect(nextSlaDue(ticket({ sla: pausedSla as never }))).toBeUndefined();
  });
});

describe('queue counts', () => {
  it('parse: one dimension, at most one other to filter on, each fault named', () => {
    expect(parseCountParams({ by: 'status', group: 'net,none' })).toEqual({
      by: 'status',
      filter: { dimension: 'group', values: ['net', 'none'] },
    });
    expect(faultsOf(() => parseCountParams({ by: 'type' })).map((e) => e.path)).toEqual(['by']);
    expect(faultsOf(() => parseCountParams({ by: 'status', status: 'new' })).map((e) => e.path)).toEqual([
      'status',
    ]);
    expect(
      faultsOf(() => parseCountParams({ by: 'group', status: 'new', priority: '1' })).map((e) => e.path),
    ).toEqual(['priority']);
    expect(faultsOf(() => parseCountParams({ by: 'group', priority: 'none' })).map((e) => e.path)).toEqual([
      'priority',
    ]);
  });

  const record = (
    t: Ticket | undefined,
    id = t?.id ?? 'INC-000001',
    eventName: DynamoDBRecord['eventName'] = 'MODIFY',
  ) =>
    ({
      eventName,
      dynamodb: {
        Keys: marshall(ticketKey(id)) as never,
        SequenceNumber: `${Math.random()}`,
        ...(t
          ? { NewImage: marshall({ ...ticketKey(id), ...t }, { removeUndefinedValues: true }) as never }
          : {}),
        OldImage: marshall({ ...ticketKey(id), version: 9 }) as never,
      },
    }) as DynamoDBRecord;

  it('the stream consumer counts ticket items only, exactly once under redelivery', async () => {
    const store = new InMemoryTicketCountStore();
    const handler = createTicketCountsHandler({ counts: store });
    const service = new TicketCountService(store);
    const v1 = ticket({ id: 'INC-000001', status: 'new', group: 'net', assignee: null, priority: 1 });
    const v2 = { ...v1, assignee: 'ann', version: 2 };
    const other = ticket({ id: 'INC-000002', status: 'new', group: 'desk', priority: 3 });
    const history = {
      ...record(v1),
      dynamodb: {
        ...record(v1).dynamodb,
        Keys: marshall({ PK: 'TICKET#INC-000001', SK: 'HISTORY#x' }) as never,
      },
    };
    const batch = { Records: [record(v1), record(v2), record(other), history] };
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    // Redelivered whole, and again from the middle: nothing moves.
    await handler(batch);
    await handler({ Records: [record(v2), record(v1)] });
    expect(await service.counts(agent, { by: 'assignee' })).toEqual({
      by: 'assignee',
      buckets: [
        { value: 'ann', count: 1 },
        { value: 'none', count: 1 },
      ],
      total: 2,
    });
    const byPriority = await service.counts(approver, {
      by: 'priority',
      filter: { dimension: 'group', values: ['net', 'desk'] },
    });
    expect(byPriority.buckets).toEqual([
      { value: '1', count: 1 },
      { value: '2', count: 0 },
      { value: '3', count: 1 },
      { value: '4', count: 0 },
      { value: '5', count: 0 },
    ]);
    await handler({ Records: [record(undefined, 'INC-000002', 'REMOVE')] });
    expect((await service.counts(admin, { by: 'status' })).total).toBe(1);
    await expect(service.counts(alice, { by: 'status' })).rejects.toMatchObject({ status: 403 });
  });

  it('a store failure is reported as the failing record, for the stream to redeliver from it', async () => {
    const failing = new InMemoryTicketCountStore();
    failing.record = async () => {
      throw new Error('throttled');
    };
    const handler = createTicketCountsHandler({ counts: failing });
    const t = ticket({ id: 'INC-000003' });
    const r = record(t);
    expect(await handler({ Records: [r] })).toEqual({
      batchItemFailures: [{ itemIdentifier: r.dynamodb!.SequenceNumber }],
    });
  });
});

describe('saved views', () => {
  async function setup() {
    const groups = new InMemoryGroupStore();
    const now = '2026-12-01T10:00:00.000Z';
    await groups.put(
      {
        id: 'net',
        name: 'Net',
        members: ['ann', 'carl'],
        email: null,
        calendarId: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      },
      0,
    );
    let n = 0;
    const views = new ViewService(
      new InMemoryViewStore(),
      groups,
      new TestClock(() => Date.parse(now)),
      () => `ID${++n}`,
    );
    return views;
  }
  const carl = caller('carl', 'agent');
  const dora = caller('dora', 'agent');
  const worked = { type: 'incident', priority: '1,2', assignee: 'none', group: 'net', sort: 'sla' };

  it('an agent saves a view shared with their group; members read and apply it, others get 404', async () => {
    const views = await setup();
    const view = await views.create(agent, { name: 'Unassigned P1–P2', group: 'net', query: worked });
    expect(view).toMatchObject({ owner: 'ann', group: 'net', version: 1, query: worked });
    expect(await views.queryOf(carl, view.id)).toEqual({
      type: ['incident'],
      priority: [1, 2],
      assignee: [null],
      group: ['net'],
      sort: 'sla',
    });
    expect((await views.list(carl, 'net', { limit: 10 })).items.map((v) => v.id)).toEqual([view.id]);
    await expect(views.get(dora, view.id)).rejects.toMatchObject({ status: 404 });
    await expect(views.list(dora, 'net', { limit: 10 })).rejects.toMatchObject({ status: 403 });
    await expect(views.replace(carl, view.id, { name: 'x', query: {} })).rejects.toMatchObject({
      status: 403,
    });
    expect(await views.get(admin, view.id)).toEqual(view);
  });

  it('refuses bad queries at query.<name>, foreign groups, requesters; If-Match guards replaces', async () => {
    const views = await setup();
    await expect(views.create(agent, { name: 'x', query: { status: 'opened' } })).rejects.toMatchObject({
      errors: [{ path: 'query.status' }],
    });
    await expect(views.create(agent, { name: 'x', query: { colour: 'red' } })).rejects.toMatchObject({
      errors: [{ path: 'query.colour' }],
    });
    await expect(views.create(dora, { name: 'x', group: 'net', query: {} })).rejects.toMatchObject({
      status: 403,
    });
    await expect(views.create(agent, { name: 'x', group: 'nope', query: {} })).rejects.toMatchObject({
      errors: [{ path: 'group' }],
    });
    await expect(views.create(alice, { name: 'x', query: {} })).rejects.toMatchObject({ status: 403 });
    await expect(views.queryOf(alice, 'view-x')).rejects.toMatchObject({ status: 403 });
    const mine = await views.create(agent, { name: 'Mine', query: { assignee: 'ann' } });
    const renamed = await views.replace(
      agent,
      mine.id,
      { name: 'Mine!', query: { assignee: 'ann', sort: 'updated' } },
      1,
    );
    expect(renamed).toMatchObject({ version: 2, name: 'Mine!' });
    await expect(views.replace(agent, mine.id, { name: 'again', query: {} }, 1)).rejects.toMatchObject({
      status: 412,
    });
    expect((await views.list(agent, undefined, { limit: 10 })).items.map((v) => v.name)).toEqual(['Mine!']);
    await views.remove(agent, mine.id);
    await expect(views.get(agent, mine.id)).rejects.toMatchObject({ status: 404 });
  });
});
