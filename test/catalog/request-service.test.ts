import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../functions/shared/errors.js';
import { applyUpdate } from '../../functions/tickets/rules.js';
import {
  abe,
  admin,
  agent,
  ava,
  type CatalogWorld,
  catalogWorld,
  dan,
  laptopInput,
  otto,
  pat,
  rejection,
  rita,
} from './catalog-world.js';

let world: CatalogWorld;
beforeEach(async () => {
  world = await catalogWorld();
  await world.putItem('laptop');
});

describe('catalog items', () => {
  it('versions every PUT and emits Published / Retired', async () => {
    const draft = (
      await world.items.put(admin, 'mouse', laptopInput({ status: 'draft', name: 'Mouse' }), undefined)
    ).item;
    expect(draft.version).toBe(1);
    const published = (
      await world.items.put(admin, 'mouse', laptopInput({ status: 'published', name: 'Mouse' }), undefined)
    ).item;
    expect(published.version).toBe(2);
    const back = await rejection(
      world.items.put(admin, 'mouse', laptopInput({ status: 'draft' }), undefined),
    );
    expect(back.code).toBe('invalid_transition');
    const retired = (await world.items.put(admin, 'mouse', laptopInput({ status: 'retired' }), undefined))
      .item;
    expect(retired.version).toBe(3);
  });

  it('refuses bad schemas, unknown groups, cycles and services that are not live, writing nothing', async () => {
    const remote = await rejection(
      world.items.put(
        admin,
        'bad',
        laptopInput({
          formSchema: { type: 'object', properties: { a: { $ref: 'https://evil.example/s.json' } } },
        }),
        undefined,
      ),
    );
    expect(remote.status).toBe(400);
    expect(JSON.stringify(remote.extensions.errors)).toContain('formSchema.properties.a');
    const regex = await rejection(
      world.items.put(
        admin,
        'bad',
        laptopInput({
          formSchema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } },
        }),
        undefined,
      ),
    );
    expect(JSON.stringify(regex.extensions.errors)).toContain('formSchema.properties.a.pattern');
    const keyword = await rejection(
      world.items.put(admin, 'bad', laptopInput({ formSchema: { type: 'object', widget: 'x' } }), undefined),
    );
    expect(JSON.stringify(keyword.extensions.errors)).toContain('formSchema.widget');
    const cycle = await rejection(
      world.items.put(
        admin,
        'bad',
        laptopInput({
          fulfilment: {
            steps: [
              { id: 'a', name: 'A', groupId: 'desktop', after: ['b'] },
              { id: 'b', name: 'B', groupId: 'desktop', after: ['a'] },
            ],
          },
        }),
        undefined,
      ),
    );
    expect(cycle.code).toBe('step_cycle');
    const unknown = await rejection(
      world.items.put(
        admin,
        'bad',
        laptopInput({ fulfilment: { steps: [{ id: 'a', name: 'A', groupId: 'desktop', after: ['nope'] }] } }),
        undefined,
      ),
    );
    expect(JSON.stringify(unknown.extensions.errors)).toContain('fulfilment.steps.0.after.0');
    const group = await rejection(
      world.items.put(admin, 'bad', laptopInput({ audience: { groups: ['ghosts'] } }), undefined),
    );
    expect(JSON.stringify(group.extensions.errors)).toContain('audience.groups.0');
    const pipeline = await rejection(
      world.items.put(admin, 'bad', laptopInput({ serviceId: 'labs' }), undefined),
    );
    expect(pipeline.code).toBe('service_not_live');
    expect(await world.catalog.get('bad')).toBeUndefined();
  });

  it('shows requesters only published items of their audience; agents everything', async () => {
    await world.items.put(admin, 'draft', laptopInput({ status: 'draft' }), undefined);
    expect((await world.items.list(rita, {}, { limit: 25 })).items.map((i) => i.id)).toEqual(['laptop']);
    expect((await world.items.list(otto, {}, { limit: 25 })).items).toEqual([]);
    expect((await rejection(world.items.get(otto, 'laptop'))).status).toBe(404);
    expect((await rejection(world.items.get(rita, 'draft'))).status).toBe(404);
    expect((await world.items.list(agent, {}, { limit: 25 })).items.map((i) => i.id)).toEqual([
      'draft',
      'laptop',
    ]);
    expect(
      (await world.items.list(agent, { status: 'draft' }, { limit: 25 })).items.map((i) => i.id),
    ).toEqual(['draft']);
  });
});

describe('request submission', () => {
  it('creates a REQ pinned to the item version, with service, defaults, and no approval for a standard laptop', async () => {
    const ticket = await world.requests.submit(rita, 'laptop', { form: { model: 'standard' } });
    expect(ticket).toMatchObject({
      id: 'REQ-000001',
      type: 'service_request',
      status: 'in_progress',
      catalogItem: { id: 'laptop', version: 1 },
      form: { model: 'standard' },
      serviceId: 'workplace',
      serviceIdSource: 'catalog',
      impact: 3,
      urgency: 2,
      category: 'hardware',
      approvals: [],
      group: 'service-desk',
    });
    expect(ticket.tasks.map((t) => [t.id, t.status])).toEqual([
      ['order', 'open'],
      ['image', 'pending'],
      ['accounts', 'pending'],
      ['handover', 'pending'],
    ]);
    expect(await world.events(ticket.id)).toEqual(
      expect.arrayContaining(['Ticket Created', 'Request Submitted', 'Request Task Opened']),
    );
  });

  it('reports every form fault under form, and refuses unpublished items and requestedFor from requesters', async () => {
    const error = await rejection(
      world.requests.submit(rita, 'laptop', { form: { model: 7, colour: 'red', neededBy: 'soon' } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect([...new Set((error as ValidationError).errors.map((e) => e.path))].sort()).toEqual([
      'form.colour',
      'form.model',
      'form.neededBy',
    ]);
    const missing = await rejection(world.requests.submit(rita, 'laptop', { form: {} }));
    expect((missing as ValidationError).errors.map((e) => e.path)).toEqual(['form.model']);
    await world.items.put(admin, 'laptop', laptopInput({ status: 'retired' }), undefined);
    const retired = await rejection(world.requests.submit(agent, 'laptop', { form: { model: 'standard' } }));
    expect(retired.code).toBe('catalog_item_not_published');
    expect(
      (await rejection(world.requests.submit(rita, 'laptop', { form: { model: 'standard' } }))).status,
    ).toBe(404);
    const forOther = await rejection(
      world.requests.submit(rita, 'laptop', { form: { model: 'standard' }, requestedFor: { id: 'otto' } }),
    );
    expect(forOther.status).toBe(403);
  });

  it('agents file for someone else', async () => {
    const ticket = await world.requests.submit(agent, 'laptop', {
      form: { model: 'standard' },
      requestedFor: { id: 'otto', name: 'Otto' },
    });
    expect(ticket.requester).toMatchObject({ id: 'otto', name: 'Otto' });
  });
});

describe('approvals', () => {
  const developer = () =>
    world.requests.submit(rita, 'laptop', { form: { model: 'developer', justification: 'builds' } });

  it('waits on_hold awaiting_approval; all groups approve; the tasks open', async () => {
    const ticket = await developer();
    expect(ticket.status).toBe('on_hold');
    expect(ticket.holdReason).toBe('awaiting_approval');
    expect(ticket.approvals.map((a) => a.group)).toEqual(['it-approvers', 'finance-approvers']);
    expect(ticket.tasks.every((t) => t.status === 'pending')).toBe(true);
    // Abe is in both pending groups: he must name one.
    const ambiguous = await rejection(world.requests.decide(abe, ticket.id, { decision: 'approve' }));
    expect((ambiguous as ValidationError).errors[0]!.path).toBe('group');
    const first = await world.requests.decide(ava, ticket.id, { decision: 'approve' });
    expect(first.status).toBe('on_hold');
    const again = await rejection(world.requests.decide(ava, ticket.id, { decision: 'approve' }));
    expect(again.code).toBe('approval_already_decided');
    const done = await world.requests.decide(abe, ticket.id, { decision: 'approve' });
    expect(done.status).toBe('in_progress');
    expect(done.tasks[0]!.status).toBe('open');
    expect(await world.events(ticket.id)).toEqual(
      expect.arrayContaining([
        'Request Approval Requested',
        'Request Approval Decided',
        'Request Task Opened',
      ]),
    );
  });

  it('a rejection cancels with the comment as a public comment', async () => {
    const ticket = await developer();
    const rejected = await world.requests.decide(ava, ticket.id, {
      decision: 'reject',
      comment: 'Standard will do',
    });
    expect(rejected).toMatchObject({ status: 'cancelled', cancelReason: 'approval_rejected' });
    const comments = await world.tickets.listComments(ticket.id, { limit: 10 }, { publicOnly: true });
    expect(comments.items.map((c) => c.body)).toEqual(['Rejected by it-approvers: Standard will do']);
  });

  it('a PATCH may not end the approval hold, but may cancel', async () => {
    const ticket = await developer();
    expect(() =>
      applyUpdate(ticket, { status: 'in_progress' }, agent, { now: ticket.createdAt, eventId: 'x' }),
    ).toThrow(ConflictError);
    const cancelled = applyUpdate(ticket, { status: 'cancelled' }, agent, {
      now: ticket.createdAt,
      eventId: 'x',
    });
    expect(cancelled.ticket.tasks.every((t) => t.status === 'cancelled')).toBe(true);
  });

  it('escalates after 24 h and expires after 72 h through the due index', async () => {
    const ticket = await developer();
    expect(await world.timers.run()).toEqual({ escalated: 0, expired: 0 });
    world.clock.advance(24 * 60);
    expect(await world.timers.run()).toEqual({ escalated: 1, expired: 0 });
    expect(await world.timers.run()).toEqual({ escalated: 0, expired: 0 });
    expect((await world.events(ticket.id)).filter((e) => e === 'Request Approval Escalated')).toHaveLength(2);
    world.clock.advance(48 * 60);
    expect(await world.timers.run()).toEqual({ escalated: 0, expired: 1 });
    const expired = await world.tickets.get(ticket.id);
    expect(expired).toMatchObject({ status: 'cancelled', cancelReason: 'approval_expired' });
    expect(
      (await world.catalog.listApprovalDue(world.clock.now().toISOString(), { limit: 10 })).items,
    ).toEqual([]);
  });

  it('a decided request drops its timer', async () => {
    const ticket = await developer();
    await world.requests.decide(ava, ticket.id, { decision: 'reject' });
    world.clock.advance(80 * 60);
    expect(await world.timers.run()).toEqual({ escalated: 0, expired: 0 });
  });
});

describe('fulfilment tasks', () => {
  it('only the task group (or an admin) works a task; the request resolves with its last task', async () => {
    const ticket = await world.requests.submit(rita, 'laptop', { form: { model: 'standard' } });
    expect(
      (await rejection(world.requests.patchTask(dan, ticket.id, 'order', { status: 'done' }, undefined)))
        .status,
    ).toBe(403);
    expect(
      (await rejection(world.requests.patchTask(rita, ticket.id, 'order', { status: 'done' }, undefined)))
        .status,
    ).toBe(403);
    await world.requests.patchTask(pat, ticket.id, 'order', { status: 'done', notes: 'PO 42' }, undefined);
    const early = await rejection(
      world.requests.patchTask(dan, ticket.id, 'handover', { status: 'done' }, undefined),
    );
    expect(early.code).toBe('invalid_task_transition');
    await world.requests.patchTask(
      dan,
      ticket.id,
      'image',
      { status: 'in_progress', assignee: 'dan' },
      undefined,
    );
    await world.requests.patchTask(dan, ticket.id, 'image', { status: 'done' }, undefined);
    await world.requests.patchTask(admin, ticket.id, 'accounts', { status: 'skipped' }, undefined);
    const { ticket: last } = await world.requests.patchTask(
      dan,
      ticket.id,
      'handover',
      { status: 'done' },
      undefined,
    );
    expect(last.status).toBe('resolved');
    expect(last.resolution).toEqual({ code: 'fixed', notes: 'All fulfilment tasks completed' });
    expect(last.autoCloseAt).not.toBeNull();
    expect(await world.events(ticket.id)).toContain('Request Fulfilled');
    const view = await world.requests.listTasks(rita, ticket.id);
    expect(view[0]).toEqual({ id: 'order', name: 'Order the laptop', status: 'done' });
    expect((await world.requests.listTasks(agent, ticket.id))[0]).toMatchObject({ notes: 'PO 42' });
  });
});
