import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCis } from '../support/cmdb.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/** Known errors through the local API, as agents and requesters use them (docs/problems.md). */
describe('known errors over HTTP', () => {
  let rt: LocalRuntime;
  let agent: ApiClient;
  let requester: ApiClient;

  const newKe = (body: Record<string, unknown>) => agent.request('POST', '/known-errors', { body });
  const newTicket = (body: Record<string, unknown>, client = agent) =>
    client.request('POST', '/tickets', { body });
  const waitFor = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const until = Date.now() + 5_000;
    for (;;) {
      await rt.flushEvents();
      const value = await read();
      if (done(value) || Date.now() > until) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    requester = api(rt, { token: rt.tokenFor('rita', ['requester'], { email: 'rita@example.com' }) });
    await ensureCis(rt, ['vpn-gw-1', 'db-1', 'mail-1']);
  });
  afterAll(() => rt?.stop());

  it('creates KE-000001 (201, Location, ETag), reads, lists by CI, and moves it draft → published → retired', async () => {
    const created = await newKe({ title: 'VPN drops', workaround: 'Reconnect twice', ciIds: ['vpn-gw-1'] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^KE-\d{6}$/),
      status: 'draft',
      usage: { applied: 0, resolvedIncidents: 0 },
      version: 1,
    });
    const id = created.json.id as string;
    expect(created.headers.get('location')).toBe(`/known-errors/${id}`);
    const listed = await agent.request('GET', '/known-errors?ciId=vpn-gw-1');
    expect(listed.json.items.map((e: { id: string }) => e.id)).toContain(id);
    const published = await agent.request('PATCH', `/known-errors/${id}`, {
      body: { status: 'published' },
      headers: { 'if-match': '"1"' },
    });
    expect(published.status).toBe(200);
    expect(published.json.status).toBe('published');
    const back = await agent.request('PATCH', `/known-errors/${id}`, { body: { status: 'draft' } });
    expect(back.status).toBe(409);
    expect(back.json.code).toBe('invalid_transition');
    const stale = await agent.request('PATCH', `/known-errors/${id}`, {
      body: { title: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
  });

  it('refuses bad input naming the path, and stores nothing', async () => {
    const before = (await agent.request('GET', '/known-errors?limit=100')).json.items.length;
    const unknown = await newKe({ title: 'x', workaround: 'y', ciIds: ['db-1', 'no-such-ci'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.code).toBe('unknown_ci');
    expect(unknown.json.errors).toEqual([expect.objectContaining({ path: 'ciIds.1' })]);
    const noWorkaround = await newKe({ title: 'x' });
    expect(noWorkaround.status).toBe(400);
    expect(noWorkaround.json.errors).toEqual([expect.objectContaining({ path: 'workaround' })]);
    const empty = await newKe({ title: 'x', workaround: '' });
    expect(empty.status).toBe(400);
    const after = (await agent.request('GET', '/known-errors?limit=100')).json.items.length;
    expect(after).toBe(before);
    const asRequester = await requester.request('POST', '/known-errors', {
      body: { title: 'x', workaround: 'y' },
    });
    expect(asRequester.status).toBe(403);
  });

  it('requesters read published public errors only; others are 404 to them', async () => {
    const hidden = await newKe({ title: 'internal', workaround: 'w', status: 'published' });
    const open = await newKe({ title: 'public', workaround: 'w', status: 'published', public: true });
    const draft = await newKe({ title: 'public draft', workaround: 'w', public: true });
    expect((await requester.request('GET', `/known-errors/${hidden.json.id}`)).status).toBe(404);
    expect((await requester.request('GET', `/known-errors/${draft.json.id}`)).status).toBe(404);
    expect((await requester.request('GET', `/known-errors/${open.json.id}`)).status).toBe(200);
    const listed = await requester.request('GET', '/known-errors?limit=100');
    expect(listed.json.items.map((e: { id: string }) => e.id)).toEqual([open.json.id]);
  });

  it('suggests matching published errors on a new incident, ranked, agents only; apply comments, links, resolves and counts', async () => {
    const problem = await newTicket({ type: 'problem', title: 'Mail relay crashes', ciIds: ['mail-1'] });
    const strong = await newKe({
      title: 'Mail relay queue overflow',
      workaround: 'Flush the relay queue',
      ciIds: ['mail-1'],
      problemId: problem.json.id,
      status: 'published',
    });
    const weak = await newKe({
      title: 'Retired one',
      workaround: 'n/a',
      ciIds: ['mail-1'],
      status: 'published',
    });
    await agent.request('PATCH', `/known-errors/${weak.json.id}`, { body: { status: 'retired' } });
    const incident = await newTicket({ type: 'incident', title: 'Mail is slow', ciIds: ['mail-1'] });
    expect(incident.status).toBe(201);
    expect(incident.json.suggestedKnownErrors).toEqual([
      { id: strong.json.id, score: 3, matchedOn: [{ ciId: 'mail-1' }] },
    ]);
    // Agents only: a requester's own incident reads without them; an agent sees them on it.
    const own = await newTicket({ type: 'incident', title: 'My mail is slow', ciIds: ['mail-1'] }, requester);
    expect(own.status).toBe(201);
    expect(own.json).not.toHaveProperty('suggestedKnownErrors');
    expect((await requester.request('GET', `/tickets/${own.json.id}`)).json).not.toHaveProperty(
      'suggestedKnownErrors',
    );
    expect((await agent.request('GET', `/tickets/${own.json.id}`)).json.suggestedKnownErrors).toHaveLength(1);
    const other = await newTicket({ type: 'incident', title: 'Printer jam', ciIds: ['db-1'] });
    expect(other.json.suggestedKnownErrors).toEqual([]);

    const suggestions = await agent.request('GET', `/tickets/${incident.json.id}/known-errors`);
    expect(suggestions.status).toBe(200);
    expect(suggestions.json.items).toEqual([
      {
        id: strong.json.id,
        title: 'Mail relay queue overflow',
        workaround: 'Flush the relay queue',
        matchedOn: [{ ciId: 'mail-1' }],
        score: 3,
      },
    ]);
    expect((await requester.request('GET', `/tickets/${incident.json.id}/known-errors`)).status).toBe(403);

    const applied = await agent.request(
      'POST',
      `/tickets/${incident.json.id}/known-errors/${strong.json.id}/apply`,
      {
        body: { visibility: 'public', resolve: true },
      },
    );
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({
      status: 'resolved',
      resolution: { code: 'workaround', notes: `Workaround from ${strong.json.id} applied` },
    });
    expect(applied.json.links).toContainEqual({ type: 'caused_by', targetId: problem.json.id });
    const comments = await agent.request('GET', `/tickets/${incident.json.id}/comments`);
    expect(comments.json.items.map((c: { body: string }) => c.body)).toContain('Flush the relay queue');
    const prb = await agent.request('GET', `/tickets/${problem.json.id}`);
    expect(prb.json.links).toContainEqual({ type: 'causes', targetId: incident.json.id });
    const counted = await waitFor(
      () => agent.request('GET', `/known-errors/${strong.json.id}`),
      (r) => r.json.usage.applied === 1,
    );
    expect(counted.json.usage).toEqual({ applied: 1, resolvedIncidents: 1 });
  });

  it('applying to a service request is 409 not_an_incident, and writes nothing', async () => {
    const ke = await newKe({ title: 'k', workaround: 'w', status: 'published' });
    const request = await newTicket({ type: 'service_request', title: 'New laptop' });
    const refused = await agent.request(
      'POST',
      `/tickets/${request.json.id}/known-errors/${ke.json.id}/apply`,
      {
        body: { visibility: 'internal' },
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('not_an_incident');
    expect((await agent.request('GET', `/tickets/${request.json.id}`)).json.version).toBe(1);
    const missing = await agent.request('POST', `/tickets/${request.json.id}/known-errors/KE-999999/apply`, {
      body: { visibility: 'internal' },
    });
    expect(missing.status).toBe(404);
  });

  it('a problem reaches known_error only with a record: 422 at workaround, else it publishes one in the same write', async () => {
    const problem = await newTicket({ type: 'problem', title: 'DB deadlocks', ciIds: ['db-1'] });
    const id = problem.json.id as string;
    await agent.request('PATCH', `/tickets/${id}`, { body: { status: 'in_progress' } });
    const refused = await agent.request('PATCH', `/tickets/${id}`, { body: { status: 'known_error' } });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('known_error_required');
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'workaround' })]);
    const unknownKe = await agent.request('PATCH', `/tickets/${id}`, {
      body: { status: 'known_error', knownErrorId: 'KE-999999' },
    });
    expect(unknownKe.status).toBe(400);
    expect(unknownKe.json.errors).toEqual([expect.objectContaining({ path: 'knownErrorId' })]);
    const moved = await agent.request('PATCH', `/tickets/${id}`, {
      body: { status: 'known_error', workaround: 'Retry the transaction' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json.knownErrorId).toMatch(/^KE-\d{6}$/);
    const ke = await agent.request('GET', `/known-errors/${moved.json.knownErrorId}`);
    expect(ke.json).toMatchObject({
      status: 'published',
      problemId: id,
      title: 'DB deadlocks',
      ciIds: ['db-1'],
      workaround: 'Retry the transaction',
    });
    // And new incidents on that CI get it suggested.
    const incident = await newTicket({ type: 'incident', title: 'Orders fail', ciIds: ['db-1'] });
    expect(incident.json.suggestedKnownErrors.map((s: { id: string }) => s.id)).toContain(
      moved.json.knownErrorId,
    );
  });

  it('awaiting_problem only on incidents linked caused_by a problem (else 422 at holdReason)', async () => {
    const incident = await newTicket({ type: 'incident', title: 'Unlinked' });
    const refused = await agent.request('PATCH', `/tickets/${incident.json.id}`, {
      body: { status: 'on_hold', holdReason: 'awaiting_problem' },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'holdReason' })]);
  });

  it('resolving a problem cascades per mode from the stream: pending incidents resolved once, others skipped', async () => {
    const problem = await newTicket({ type: 'problem', title: 'Cert expiry' });
    const prb = problem.json.id as string;
    const make = async (title: string) => {
      const t = await newTicket({ type: 'incident', title });
      await agent.request('POST', `/tickets/${t.json.id}/links`, {
        body: { type: 'caused_by', targetId: prb },
      });
      return t.json.id as string;
    };
    const waiting = await make('waits');
    const open = await make('open');
    const done = await make('done');
    await agent.request('PATCH', `/tickets/${waiting}`, {
      body: { status: 'on_hold', holdReason: 'awaiting_problem' },
    });
    await agent.request('PATCH', `/tickets/${done}`, {
      body: { status: 'resolved', resolution: { code: 'other', notes: 'gone' } },
    });
    await agent.request('PATCH', `/tickets/${prb}`, { body: { status: 'in_progress' } });
    const resolved = await agent.request('PATCH', `/tickets/${prb}`, {
      body: {
        status: 'resolved',
        resolution: { code: 'fixed', notes: 'Renewed' },
        cascade: 'awaiting_problem',
      },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.json.cascade).toEqual({
      mode: 'awaiting_problem',
      pending: [waiting],
      skipped: [open, done],
    });
    const settled = await waitFor(
      () => agent.request('GET', `/tickets/${waiting}`),
      (r) => r.json.status === 'resolved',
    );
    expect(settled.json.resolution).toEqual({ code: 'fixed', notes: `Resolved by ${prb}: Renewed` });
    expect((await agent.request('GET', `/tickets/${open}`)).json.status).toBe('new');
    const history = await waitFor(
      () => agent.request('GET', `/tickets/${prb}/history`),
      (r) =>
        r.json.items.some((e: { events: { detailType: string }[] }) =>
          e.events.some((ev) => ev.detailType === 'Problem Cascade Completed'),
        ),
    );
    const completed = history.json.items
      .flatMap((e: { events: { detailType: string; detail: unknown }[] }) => e.events)
      .find((ev: { detailType: string }) => ev.detailType === 'Problem Cascade Completed');
    expect(completed.detail).toMatchObject({ resolved: [waiting], skipped: [] });
    const incidentHistory = await agent.request('GET', `/tickets/${waiting}/history`);
    const statusChange = incidentHistory.json.items
      .flatMap((e: { events: { detailType: string; detail: Record<string, unknown> }[] }) => e.events)
      .filter((ev: { detailType: string }) => ev.detailType === 'Ticket Status Changed')
      .at(-1);
    expect(statusChange.detail.cause).toEqual({ problemId: prb });
  });

  it('all_open resolves every open caused incident; cascade outside a problem resolution is 400', async () => {
    const problem = await newTicket({ type: 'problem', title: 'Disk full' });
    const prb = problem.json.id as string;
    const ids: string[] = [];
    for (const title of ['a', 'b']) {
      const t = await newTicket({ type: 'incident', title });
      await agent.request('POST', `/tickets/${t.json.id}/links`, {
        body: { type: 'caused_by', targetId: prb },
      });
      ids.push(t.json.id);
    }
    const bad = await agent.request('PATCH', `/tickets/${ids[0]}`, {
      body: { title: 'x', cascade: 'all_open' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'cascade' })]);
    await agent.request('PATCH', `/tickets/${prb}`, { body: { status: 'in_progress' } });
    const resolved = await agent.request('PATCH', `/tickets/${prb}`, {
      body: { status: 'resolved', resolution: { code: 'fixed', notes: 'Cleaned' }, cascade: 'all_open' },
    });
    expect(resolved.json.cascade).toEqual({ mode: 'all_open', pending: ids, skipped: [] });
    for (const id of ids) {
      const t = await waitFor(
        () => agent.request('GET', `/tickets/${id}`),
        (r) => r.json.status === 'resolved',
      );
      expect(t.json.status).toBe('resolved');
      expect(t.json.version).toBe(3);
    }
  });
});
