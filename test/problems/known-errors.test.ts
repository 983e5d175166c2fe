import { beforeEach, describe, expect, it } from 'vitest';
import { KnownErrorApplication } from '../../functions/problems/apply-service.js';
import { ProblemEvents } from '../../functions/problems/cascade.js';
import { ProblemKnownErrors } from '../../functions/problems/known-error-records.js';
import { KnownErrorService } from '../../functions/problems/known-error-service.js';
import { CachedKnownErrorIndex } from '../../functions/problems/published-index.js';
import { InMemoryKnownErrorStore } from '../../functions/problems/store/in-memory-error-store.js';
import type { Caller } from '../../functions/shared/authz.js';
import { ConflictError, UnprocessableError, ValidationError } from '../../functions/shared/errors.js';
import { classifyCascade, rankKnownErrors } from '../../functions/tickets/known-error-suggestions.js';
import type { Ticket } from '../../functions/tickets/model.js';
import type { TicketService } from '../../functions/tickets/service.js';
import { aCi, aService, type World, world } from '../tickets/world.js';

const agent: Caller = { id: 'ann', email: 'ann@example.com', name: 'Ann', roles: new Set(['agent']) };
const requester: Caller = {
  id: 'rita',
  email: 'rita@example.com',
  name: 'Rita',
  roles: new Set(['requester']),
};

describe('rankKnownErrors (pure)', () => {
  const entry = (
    id: string,
    fields: Partial<{ ciIds: string[]; serviceIds: string[]; errorCodes: string[]; applied: number }>,
  ) => ({
    id,
    ciIds: [],
    serviceIds: [],
    errorCodes: [],
    applied: 0,
    ...fields,
  });

  it('scores CI 3, service 2, error code 2 (case-insensitive), orders by score, applied, id, keeps 5', () => {
    const published = [
      entry('KE-000001', { serviceIds: ['svc'] }),
      entry('KE-000002', { ciIds: ['db'], errorCodes: ['ora-600'] }),
      entry('KE-000003', { ciIds: ['db'] }),
      entry('KE-000004', { ciIds: ['db'], applied: 9 }),
      entry('KE-000005', { serviceIds: ['svc'], applied: 1 }),
      entry('KE-000006', { serviceIds: ['svc'] }),
      entry('KE-000007', { ciIds: ['other'] }),
    ];
    const ranked = rankKnownErrors(published, {
      ciIds: ['db'],
      serviceIds: ['svc'],
      errorCodes: ['ORA-600'],
    });
    expect(ranked.map((s) => [s.id, s.score])).toEqual([
      ['KE-000002', 5],
      ['KE-000004', 3],
      ['KE-000003', 3],
      ['KE-000005', 2],
      ['KE-000001', 2],
    ]);
    expect(ranked[0]!.matchedOn).toEqual([{ ciId: 'db' }, { errorCode: 'ora-600' }]);
    expect(rankKnownErrors(published, { ciIds: [], serviceIds: [], errorCodes: [] })).toEqual([]);
  });
});

describe('known errors in memory', () => {
  let w: World;
  let store: InMemoryKnownErrorStore;
  let knownErrors: KnownErrorService;
  let tickets: TicketService;
  let application: KnownErrorApplication;
  let events: ProblemEvents;

  beforeEach(async () => {
    w = await world();
    store = new InMemoryKnownErrorStore(undefined, () => w.clock.now());
    w.addCi(
      aCi('db-1'),
      aCi('web-1', { closure: { serviceIds: ['shop'], computedAt: null, truncated: false } }),
      aService('shop'),
    );
    knownErrors = new KnownErrorService(store, w.cmdb, w.clock, w.newId);
    tickets = w.service(undefined, {
      knownErrors: new CachedKnownErrorIndex(store),
      knownErrorRecords: new ProblemKnownErrors(store),
    });
    application = new KnownErrorApplication(w.tickets, store, w.slaConfig, w.clock, w.newId);
    events = new ProblemEvents(w.tickets, store, w.slaConfig, w.clock, w.newId);
  });

  /** Feeds the events of every history entry of these tickets to the consumer (the stream's part). */
  const stream = async (...ids: string[]) => {
    const outcomes = [];
    for (const id of ids) {
      const page = await w.tickets.listHistory(id, { limit: 100 });
      outcomes.push(await events.onEvents(page.items.flatMap((entry) => entry.events)));
    }
    return outcomes;
  };

  it('creates drafts; unknown CIs are 422 at ciIds.<i> with nothing stored; strict off lists them', async () => {
    await expect(
      knownErrors.create(agent, { title: 't', workaround: 'w', ciIds: ['db-1', 'nope'] }),
    ).rejects.toMatchObject({
      code: 'unknown_ci',
      extensions: { errors: [{ path: 'ciIds.1', message: 'unknown CI nope' }] },
    });
    expect((await store.list({}, { limit: 10 })).items).toEqual([]);
    const lax = new KnownErrorService(store, w.cmdb, w.clock, w.newId, false);
    const created = await lax.create(agent, { title: 't', workaround: 'w', ciIds: ['db-1', 'nope'] });
    expect(created).toMatchObject({
      status: 'draft',
      unknownCiIds: ['nope'],
      id: expect.stringMatching(/^KE-\d{6}$/),
    });
    await expect(knownErrors.create(requester, { title: 't', workaround: 'w' })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('stores ranked suggestions on incidents from CIs and affected services, none on requests', async () => {
    const byCi = await knownErrors.create(agent, {
      title: 'db',
      workaround: 'w',
      ciIds: ['db-1'],
      status: 'published',
    });
    const byService = await knownErrors.create(agent, {
      title: 'shop',
      workaround: 'w',
      serviceIds: ['shop'],
      status: 'published',
    });
    await knownErrors.create(agent, { title: 'draft', workaround: 'w', ciIds: ['db-1'] });
    const incident = await tickets.create(agent, { type: 'incident', title: 'x', ciIds: ['db-1', 'web-1'] });
    expect(incident.suggestedKnownErrors).toEqual([
      { id: byCi.id, score: 3, matchedOn: [{ ciId: 'db-1' }] },
      { id: byService.id, score: 2, matchedOn: [{ serviceId: 'shop' }] },
    ]);
    const history = await w.tickets.listHistory(incident.id, { limit: 10 });
    expect(history.items[0]!.events.map((e) => e.detailType)).toContain('Known Error Suggested');
    const request = await tickets.create(agent, { type: 'service_request', title: 'x', ciIds: ['db-1'] });
    expect(request.suggestedKnownErrors).toEqual([]);
    // Retiring takes it out of the index at once (the version moved).
    await knownErrors.update(agent, byCi.id, { status: 'retired' });
    const later = await tickets.create(agent, { type: 'incident', title: 'y', ciIds: ['db-1'] });
    expect(later.suggestedKnownErrors).toEqual([]);
  });

  it('apply: not_an_incident for requests (nothing written); comments, resolves and counts once on incidents', async () => {
    const ke = await knownErrors.create(agent, { title: 'k', workaround: 'Do this', status: 'published' });
    const request = await tickets.create(agent, { type: 'service_request', title: 'r' });
    await expect(
      application.apply(agent, request.id, ke.id, { visibility: 'public' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await w.tickets.get(request.id))!.version).toBe(1);
    const incident = await tickets.create(agent, { type: 'incident', title: 'i' });
    const applied = await application.apply(agent, incident.id, ke.id, {
      visibility: 'internal',
      resolve: true,
    });
    expect(applied).toMatchObject({ status: 'resolved', version: 2, resolution: { code: 'workaround' } });
    await stream(incident.id);
    await stream(incident.id); // a redelivery counts nothing more
    expect((await store.get(ke.id))!.usage).toEqual({ applied: 1, resolvedIncidents: 1 });
  });

  it('known_error needs a record (422 at workaround); with workaround the same write publishes one', async () => {
    const problem = await tickets.create(agent, { type: 'problem', title: 'Leak', ciIds: ['db-1'] });
    await tickets.update(agent, problem.id, { status: 'in_progress' });
    await expect(tickets.update(agent, problem.id, { status: 'known_error' })).rejects.toBeInstanceOf(
      UnprocessableError,
    );
    await expect(
      tickets.update(agent, problem.id, { status: 'known_error', knownErrorId: 'KE-000404' }),
    ).rejects.toBeInstanceOf(ValidationError);
    const moved = await tickets.update(agent, problem.id, {
      status: 'known_error',
      workaround: 'Restart nightly',
    });
    const ke = await store.get(moved.knownErrorId!);
    expect(ke).toMatchObject({
      status: 'published',
      problemId: problem.id,
      ciIds: ['db-1'],
      workaround: 'Restart nightly',
    });
  });

  it('cascade: classifies, resolves each pending incident once, skips one that moved, completes on the problem', async () => {
    const problem = await tickets.create(agent, { type: 'problem', title: 'P' });
    const linked: Ticket[] = [];
    for (const title of ['a', 'b', 'c']) {
      const t = await tickets.create(agent, { type: 'incident', title });
      linked.push(await tickets.link(agent, t.id, { type: 'caused_by', targetId: problem.id }));
    }
    const [a, b, c] = linked.map((t) => t.id) as [string, string, string];
    await tickets.update(agent, c, { status: 'resolved', resolution: { code: 'other', notes: 'n' } });
    await tickets.update(agent, problem.id, { status: 'in_progress' });
    const resolved = await tickets.update(agent, problem.id, {
      status: 'resolved',
      resolution: { code: 'fixed', notes: 'Patched' },
      cascade: 'all_open',
    });
    expect(resolved.cascade).toEqual({ mode: 'all_open', pending: [a, b], skipped: [c] });
    // b is resolved by hand before the consumer runs: it is skipped, not resolved twice.
    await tickets.update(agent, b, { status: 'resolved', resolution: { code: 'other', notes: 'by hand' } });
    const [first] = await stream(problem.id);
    expect(first!.cascades).toEqual([{ problemId: problem.id, resolved: [a], skipped: [b] }]);
    expect(await w.tickets.get(a)).toMatchObject({
      status: 'resolved',
      resolution: { code: 'fixed', notes: `Resolved by ${problem.id}: Patched` },
    });
    expect((await w.tickets.get(b))!.resolution!.notes).toBe('by hand');
    const versionOfA = (await w.tickets.get(a))!.version;
    await stream(problem.id); // redelivered
    expect((await w.tickets.get(a))!.version).toBe(versionOfA);
    // (The completion entry on the problem's history: test/api/known-errors.test.ts, one table there.)
  });

  it('classifyCascade: awaiting_problem takes only incidents on hold awaiting it', () => {
    const base = {
      links: [{ type: 'caused_by', targetId: 'PRB-000001' }],
      holdReason: null,
    } as unknown as Ticket;
    const waiting = {
      ...base,
      id: 'INC-000001',
      status: 'on_hold',
      holdReason: 'awaiting_problem',
    } as Ticket;
    const open = { ...base, id: 'INC-000002', status: 'in_progress' } as Ticket;
    const closed = { ...base, id: 'INC-000003', status: 'closed' } as Ticket;
    expect(classifyCascade('awaiting_problem', [waiting, open, closed, undefined], 'PRB-000001')).toEqual({
      mode: 'awaiting_problem',
      pending: ['INC-000001'],
      skipped: ['INC-000002', 'INC-000003'],
    });
    expect(classifyCascade('all_open', [waiting, open, closed], 'PRB-000001').pending).toEqual([
      'INC-000001',
      'INC-000002',
    ]);
  });

  it('requesters read published public errors only', async () => {
    const hidden = await knownErrors.create(agent, { title: 'h', workaround: 'w', status: 'published' });
    const shown = await knownErrors.create(agent, {
      title: 's',
      workaround: 'w',
      status: 'published',
      public: true,
    });
    await expect(knownErrors.get(requester, hidden.id)).rejects.toMatchObject({ status: 404 });
    expect((await knownErrors.get(requester, shown.id)).id).toBe(shown.id);
    expect((await knownErrors.list(requester, {}, { limit: 10 })).items.map((e) => e.id)).toEqual([shown.id]);
  });
});
