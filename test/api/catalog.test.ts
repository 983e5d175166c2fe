import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/** The laptop request of docs/catalog.md#a-worked-example, through the local API: agent, requester, approvers. */
describe('service catalog over HTTP', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let agent: ApiClient;
  let rita: ApiClient;
  let otto: ApiClient;
  let ava: ApiClient;
  let abe: ApiClient;
  let pat: ApiClient;
  let dan: ApiClient;

  const laptop = {
    name: 'New laptop',
    description: 'A laptop for work',
    category: 'hardware',
    serviceId: 'workplace',
    status: 'published',
    audience: { groups: ['employees'] },
    formSchema: {
      type: 'object',
      properties: {
        model: { type: 'string', enum: ['standard', 'developer'] },
        justification: { type: 'string', maxLength: 500 },
      },
      required: ['model'],
      additionalProperties: false,
    },
    approval: {
      policy: 'all',
      groups: ['it-approvers', 'finance-approvers'],
      requiredWhen: { type: 'object', properties: { model: { const: 'developer' } }, required: ['model'] },
    },
    fulfilment: {
      steps: [
        { id: 'order', name: 'Order the laptop', groupId: 'procurement' },
        { id: 'image', name: 'Install the image', groupId: 'desktop', after: ['order'] },
      ],
    },
    defaults: { impact: 3, urgency: 2 },
  };

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    rita = api(rt, {
      token: rt.tokenFor('rita', ['requester'], { email: 'rita@example.com', name: 'Rita' }),
    });
    otto = api(rt, { token: rt.tokenFor('otto', ['requester']) });
    ava = api(rt, { token: rt.tokenFor('ava', ['approver'], { name: 'Ava' }) });
    abe = api(rt, { token: rt.tokenFor('abe', ['approver'], { name: 'Abe' }) });
    pat = api(rt, { token: rt.tokenFor('pat', ['agent']) });
    dan = api(rt, { token: rt.tokenFor('dan', ['agent']) });
    for (const [id, members] of [
      ['it-approvers', ['ava', 'abe']],
      ['finance-approvers', ['abe']],
      ['procurement', ['pat']],
      ['desktop', ['dan']],
      ['employees', ['rita']],
    ] as const) {
      const put = await admin.request('PUT', `/groups/${id}`, {
        body: { name: id, members: [...members], email: `${id}@example.com` },
      });
      expect(put.status, put.text).toBe(201);
    }
    const service = await admin.request('PUT', '/services/workplace', {
      body: {
        class: 'business_service',
        name: 'Workplace',
        owner: 'olga',
        supportGroup: 'service-desk',
        portfolioStatus: 'live',
      },
    });
    expect(service.status, service.text).toBe(201);
  });
  afterAll(() => rt?.stop());

  it('runs the laptop request: admin publishes, requester submits, approvers approve, agents fulfil', async () => {
    const put = await admin.request('PUT', '/catalog/items/laptop', { body: laptop });
    expect(put.status, put.text).toBe(201);
    expect(put.headers.get('location')).toBe('/catalog/items/laptop');
    expect(put.json).toMatchObject({
      version: 1,
      status: 'published',
      approval: { escalateAfterHours: 24, expireAfterHours: 72 },
    });

    expect((await rita.request('GET', '/catalog/items')).json.items.map((i: { id: string }) => i.id)).toEqual(
      ['laptop'],
    );
    expect((await otto.request('GET', '/catalog/items')).json.items).toEqual([]);
    expect((await otto.request('GET', '/catalog/items/laptop')).status).toBe(404);
    expect((await rita.request('GET', '/catalog/items/laptop')).json.formSchema.required).toEqual(['model']);

    const bad = await rita.request('POST', '/catalog/items/laptop/requests', {
      body: { form: { model: 'gaming', colour: 'red' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'form.colour',
      'form.model',
    ]);

    const submitted = await rita.request('POST', '/catalog/items/laptop/requests', {
      body: { form: { model: 'developer', justification: 'builds' } },
      headers: { 'idempotency-key': 'laptop-1' },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.json.id as string;
    expect(submitted.headers.get('location')).toBe(`/tickets/${id}`);
    expect(submitted.json).toMatchObject({
      type: 'service_request',
      status: 'on_hold',
      holdReason: 'awaiting_approval',
      catalogItem: { id: 'laptop', version: 1 },
      serviceId: 'workplace',
      serviceIdSource: 'catalog',
      urgency: 2,
    });
    const retried = await rita.request('POST', '/catalog/items/laptop/requests', {
      body: { form: { model: 'developer', justification: 'builds' } },
      headers: { 'idempotency-key': 'laptop-1' },
    });
    expect(retried.json.id).toBe(id);

    // The hold is the approvers' to end.
    const patch = await agent.request('PATCH', `/tickets/${id}`, { body: { status: 'in_progress' } });
    expect(patch.status).toBe(409);
    expect(patch.json.code).toBe('awaiting_approval');
    expect(
      (await abe.request('POST', `/tickets/${id}/approvals`, { body: { decision: 'approve' } })).json
        .errors[0].path,
    ).toBe('group');
    expect(
      (await pat.request('POST', `/tickets/${id}/approvals`, { body: { decision: 'approve' } })).status,
    ).toBe(403);

    expect(
      (await ava.request('POST', `/tickets/${id}/approvals`, { body: { decision: 'approve' } })).json.status,
    ).toBe('on_hold');
    const twice = await ava.request('POST', `/tickets/${id}/approvals`, { body: { decision: 'approve' } });
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('approval_already_decided');
    const approved = await abe.request('POST', `/tickets/${id}/approvals`, {
      body: { decision: 'approve', group: 'finance-approvers' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.status).toBe('in_progress');

    const ritaTasks = await rita.request('GET', `/tickets/${id}/tasks`);
    expect(ritaTasks.json.items).toEqual([
      { id: 'order', name: 'Order the laptop', status: 'open' },
      { id: 'image', name: 'Install the image', status: 'pending' },
    ]);
    expect(
      (await dan.request('PATCH', `/tickets/${id}/tasks/order`, { body: { status: 'done' } })).status,
    ).toBe(403);
    const ordered = await pat.request('PATCH', `/tickets/${id}/tasks/order`, {
      body: { status: 'done', notes: 'PO 42' },
    });
    expect(ordered.status, ordered.text).toBe(200);
    expect(ordered.json).toMatchObject({ status: 'done', notes: 'PO 42' });
    const wrong = await dan.request('PATCH', `/tickets/${id}/tasks/image`, {
      body: { status: 'in_progress' },
    });
    expect(wrong.status).toBe(200);
    const stale = await dan.request('PATCH', `/tickets/${id}/tasks/image`, {
      body: { status: 'done' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const done = await dan.request('PATCH', `/tickets/${id}/tasks/image`, { body: { status: 'done' } });
    expect(done.status).toBe(200);
    const ticket = (await rita.request('GET', `/tickets/${id}`)).json;
    expect(ticket).toMatchObject({
      status: 'resolved',
      resolution: { code: 'fixed', notes: 'All fulfilment tasks completed' },
    });
    // The requester sees the tasks' names and statuses, not the fulfillers' notes.
    expect(ticket.tasks.map((t: { notes: unknown; assignee: unknown }) => [t.notes, t.assignee])).toEqual([
      [null, null],
      [null, null],
    ]);
    expect((await pat.request('GET', `/tickets/${id}`)).json.tasks[0].notes).toBe('PO 42');

    await rt.flushEvents();
    const events = (await admin.request('GET', '/_local/events')).json.items
      .filter((e: { detail: { ticketId?: string } }) => e.detail.ticketId === id)
      .map((e: { detailType: string }) => e.detailType);
    for (const type of [
      'Request Submitted',
      'Request Approval Requested',
      'Request Approval Decided',
      'Request Task Opened',
      'Request Task Completed',
      'Request Fulfilled',
    ]) {
      expect(events).toContain(type);
    }
    const outbox = (await admin.request('GET', '/_local/outbox')).json.items as {
      to: string[];
      subject: string;
    }[];
    expect(
      outbox.some(
        (mail) =>
          mail.subject.includes(`Approval requested: ${id}`) && mail.to.includes('it-approvers@example.com'),
      ),
    ).toBe(true);
  });

  it('rejects with the comment, escalates and expires through the sweeper', async () => {
    const submit = async () =>
      (
        await rita.request('POST', '/catalog/items/laptop/requests', {
          body: { form: { model: 'developer' } },
        })
      ).json.id as string;
    const rejected = await submit();
    const no = await ava.request('POST', `/tickets/${rejected}/approvals`, {
      body: { decision: 'reject', comment: 'Standard will do' },
    });
    expect(no.json).toMatchObject({ status: 'cancelled', cancelReason: 'approval_rejected' });
    const comments = (await rita.request('GET', `/tickets/${rejected}/comments`)).json.items;
    expect(comments.map((c: { body: string }) => c.body)).toEqual([
      'Rejected by it-approvers: Standard will do',
    ]);
    expect(
      (await rita.request('GET', `/tickets/${rejected}/tasks`)).json.items.map(
        (t: { status: string }) => t.status,
      ),
    ).toEqual(['cancelled', 'cancelled']);

    const waiting = await submit();
    await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 24 * 60 + 1 } });
    const first = await admin.request('POST', '/_local/sweep');
    expect(first.json.approvalsEscalated).toBeGreaterThanOrEqual(1);
    await rt.flushEvents();
    const outbox = (await admin.request('GET', '/_local/outbox')).json.items as { subject: string }[];
    expect(outbox.some((mail) => mail.subject.includes(`Approval overdue: ${waiting}`))).toBe(true);
    await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 48 * 60 } });
    expect((await admin.request('POST', '/_local/sweep')).json.approvalsExpired).toBeGreaterThanOrEqual(1);
    expect((await rita.request('GET', `/tickets/${waiting}`)).json).toMatchObject({
      status: 'cancelled',
      cancelReason: 'approval_expired',
    });
    await admin.request('POST', '/_local/clock', { body: { real: true } });
  });

  /** An object schema nested `levels` deep (the limit is depth 10). */
  const deep = (levels: number): Record<string, unknown> =>
    levels === 0 ? { type: 'string' } : { type: 'object', properties: { n: deep(levels - 1) } };

  it('refuses bad items and requests with the path named, writing nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [
        { formSchema: { type: 'object', properties: { a: { $ref: 'https://example.com/x.json' } } } },
        400,
        'formSchema.properties.a',
      ],
      [
        { formSchema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } } },
        400,
        'formSchema.properties.a.pattern',
      ],
      [{ formSchema: { type: 'object', 'x-widget': 'slider' } }, 400, 'formSchema'],
      [{ formSchema: { type: 'object', description: 'x'.repeat(40_000) } }, 400, 'formSchema'],
      [{ formSchema: { type: 'string' } }, 400, 'formSchema'],
      [{ formSchema: deep(12) }, 400, 'formSchema.properties.n'],
      [
        {
          approval: {
            policy: 'any',
            groups: ['it-approvers'],
            requiredWhen: { type: 'object', $data: true },
          },
        },
        400,
        'approval.requiredWhen',
      ],
      [
        {
          fulfilment: {
            steps: [
              { id: 'a', name: 'A', groupId: 'desktop', after: ['b'] },
              { id: 'b', name: 'B', groupId: 'desktop', after: ['a'] },
            ],
          },
        },
        400,
        'fulfilment.steps.0.after',
      ],
      [
        { fulfilment: { steps: [{ id: 'a', name: 'A', groupId: 'desktop', after: ['zz'] }] } },
        400,
        'fulfilment.steps.0.after.0',
      ],
      [{ serviceId: 'nowhere' }, 422, 'serviceId'],
    ];
    for (const [fields, status, path] of cases) {
      const res = await admin.request('PUT', '/catalog/items/bad', { body: { ...laptop, ...fields } });
      expect(res.status, `${path}: ${res.text}`).toBe(status);
      expect(
        res.json.errors.some((e: { path: string }) => e.path.startsWith(path)),
        res.text,
      ).toBe(true);
    }
    const cycle = await admin.request('PUT', '/catalog/items/bad', {
      body: { ...laptop, ...cases.find(([, , path]) => path === 'fulfilment.steps.0.after')![0] },
    });
    expect(cycle.json.code).toBe('step_cycle');
    expect((await admin.request('GET', '/catalog/items/bad')).status).toBe(404);

    await admin.request('PUT', '/catalog/items/old', { body: { ...laptop, status: 'published' } });
    await admin.request('PUT', '/catalog/items/old', { body: { ...laptop, status: 'retired' } });
    const retired = await agent.request('POST', '/catalog/items/old/requests', {
      body: { form: { model: 'standard' } },
    });
    expect(retired.status).toBe(409);
    expect(retired.json.code).toBe('catalog_item_not_published');
    const forOther = await rita.request('POST', '/catalog/items/laptop/requests', {
      body: { form: { model: 'standard' }, requestedFor: { id: 'otto' } },
    });
    expect(forOther.status).toBe(403);
    const wrongType = await rita.request('POST', '/catalog/items/laptop/requests', {
      body: { form: { model: 3 } },
    });
    expect(wrongType.json.errors.map((e: { path: string }) => e.path)).toContain('form.model');
    expect((await rita.request('PUT', '/catalog/items/x', { body: laptop })).status).toBe(403);
  });
});
