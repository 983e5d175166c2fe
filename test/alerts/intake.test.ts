import { beforeEach, describe, expect, it } from 'vitest';
import { AlertFlapTimers } from '../../functions/alerts/flap-timers.js';
import { AlertIntake } from '../../functions/alerts/intake.js';
import type { NormalizedAlert, StoredIntegration } from '../../functions/alerts/model.js';
import { ephemeralSecretCipher } from '../../functions/alerts/secrets/local-secret-cipher.js';
import { InMemoryAlertStore } from '../../functions/alerts/store/in-memory-alert-store.js';
import type { TicketStore, TicketWrite } from '../../functions/tickets/store/ticket-store.js';
import { aCi, type World, world } from '../tickets/world.js';
import { anIntegration } from './store/alert-store.contract.js';

/** The rules of docs/alerts.md#rules on in-memory adapters. */
describe('alert intake use cases', () => {
  let w: World;
  let store: InMemoryAlertStore;
  let intake: AlertIntake;
  let commits: TicketWrite[][];
  const identifiers = new Map<string, string>();

  const alert = (fields: Partial<NormalizedAlert> = {}): NormalizedAlert => ({
    dedupKey: 'k1',
    action: 'trigger',
    occurredAt: w.clock.now().toISOString(),
    severity: 'warning',
    summary: 'Disk   almost\nfull',
    details: 'details',
    labels: {},
    generatorUrl: null,
    notificationKey: null,
    deliveryId: null,
    ...fields,
  });
  const later = (minutes: number) => w.clock.set(new Date(w.clock.now().getTime() + minutes * 60_000));
  const integration = (fields: Partial<StoredIntegration> = {}) =>
    anIntegration('prom', { name: 'Prometheus', ...fields });

  beforeEach(async () => {
    w = await world();
    store = new InMemoryAlertStore();
    commits = [];
    const counted: TicketStore = new Proxy(w.tickets, {
      get(target, property) {
        if (property === 'commit') {
          return (writes: readonly TicketWrite[]) => {
            commits.push([...writes]);
            return target.commit(writes);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    intake = new AlertIntake({
      store,
      tickets: counted,
      ticketService: (s) => w.service(s),
      cmdb: {
        cis: (ids) => w.cmdb.cis(ids),
        services: (ids) => w.cmdb.services(ids),
        ciByIdentifier: async (id) => identifiers.get(id),
      },
      clock: w.clock,
      cipher: ephemeralSecretCipher(),
      sns: { verify: async () => false },
    });
  });

  it('opens an incident from the first fire: title one line, levels by severity, requester the default, event', async () => {
    const outcome = await intake.apply(integration(), alert({ severity: 'critical' }));
    expect(outcome).toMatchObject({ result: 'created', dedupKey: 'k1' });
    const ticket = await w.tickets.get(outcome.incidentId!);
    expect(ticket).toMatchObject({
      title: 'Disk almost full',
      description: 'details',
      impact: 1,
      urgency: 1,
      source: 'alert',
      requester: { id: 'monitoring', name: 'Monitoring' },
    });
    const history = await w.tickets.listHistory(outcome.incidentId!, { limit: 10 });
    expect(history.items[0]!.events.map((e) => e.detailType)).toContain('Alert Triggered');
    expect(await store.getRecord('prom', 'k1')).toMatchObject({
      fireCount: 1,
      incidentId: outcome.incidentId,
      unmapped: true,
    });
  });

  it('a repeat is one record write: no ticket commit, no history; re-notifications keep fireCount', async () => {
    const first = await intake.apply(
      integration({ noteThrottleMinutes: 60 }),
      alert({ notificationKey: 'n1' }),
    );
    // The first repeat within the note throttle window adds nothing to the ticket.
    commits = [];
    const writesBefore = store.recordWrites;
    const again = await intake.apply(
      integration({ noteThrottleMinutes: 60 }),
      alert({ notificationKey: 'n1' }),
    );
    expect(again).toMatchObject({ result: 'renotified', incidentId: first.incidentId });
    const fired = await intake.apply(
      integration({ noteThrottleMinutes: 60 }),
      alert({ notificationKey: 'n2' }),
    );
    expect(fired.result).toBe('deduplicated');
    expect(commits).toEqual([]);
    expect(store.recordWrites - writesBefore).toBe(2);
    expect(await store.getRecord('prom', 'k1')).toMatchObject({ fireCount: 2, notificationCount: 3 });
    expect((await w.tickets.listHistory(first.incidentId!, { limit: 10 })).items).toHaveLength(1);
  });

  it('notes "fired again" at most once per noteThrottleMinutes', async () => {
    const settings = integration({ noteThrottleMinutes: 15 });
    const { incidentId } = await intake.apply(settings, alert());
    const notes = async () =>
      (await w.tickets.listComments(incidentId!, { limit: 50 }, { publicOnly: false })).items.map(
        (c) => c.body,
      );
    await intake.apply(settings, alert());
    later(5);
    await intake.apply(settings, alert());
    expect(await notes()).toEqual([]);
    later(10);
    await intake.apply(settings, alert());
    later(5);
    await intake.apply(settings, alert());
    expect(await notes()).toEqual(['Alert k1 fired again (4).']);
    later(15);
    await intake.apply(settings, alert());
    expect(await notes()).toEqual(['Alert k1 fired again (4).', 'Alert k1 fired again (6).']);
  });

  it('raises impact and urgency on a more severe fire, never lowers them', async () => {
    const { incidentId } = await intake.apply(integration(), alert({ severity: 'warning' }));
    expect((await w.tickets.get(incidentId!))?.priority).toBe(3);
    await intake.apply(integration(), alert({ severity: 'critical' }));
    expect(await w.tickets.get(incidentId!)).toMatchObject({ impact: 1, urgency: 1, priority: 1 });
    await intake.apply(integration(), alert({ severity: 'warning' }));
    expect((await w.tickets.get(incidentId!))?.priority).toBe(1);
  });

  it('resolves with alert_cleared; auto-resolve off keeps the status and notes the clear', async () => {
    const { incidentId } = await intake.apply(integration(), alert());
    expect(await intake.apply(integration(), alert({ action: 'resolve' }))).toMatchObject({
      result: 'resolved',
    });
    expect(await w.tickets.get(incidentId!)).toMatchObject({
      status: 'resolved',
      resolution: { code: 'alert_cleared', notes: expect.stringMatching(/^Cleared by Prometheus at /) },
    });
    expect((await intake.apply(integration(), alert({ action: 'resolve' }))).result).toBe(
      'ignored_no_open_incident',
    );

    const manual = integration({ autoResolve: false });
    const second = await intake.apply(manual, alert({ dedupKey: 'k2' }));
    await intake.apply(manual, alert({ dedupKey: 'k2', action: 'resolve' }));
    expect((await w.tickets.get(second.incidentId!))?.status).toBe('new');
    expect(await store.getRecord('prom', 'k2')).toMatchObject({ state: 'resolved' });
  });

  it('reopens within the window; later a new incident relates to the old one', async () => {
    const { incidentId } = await intake.apply(integration(), alert());
    await intake.apply(integration(), alert({ action: 'resolve' }));
    // 31 min: four state changes over more than the flap window (30 min), so no flapping (rule 7).
    later(31);
    expect(await intake.apply(integration(), alert())).toMatchObject({ result: 'reopened', incidentId });
    expect((await w.tickets.get(incidentId!))?.status).toBe('in_progress');
    await intake.apply(integration(), alert({ action: 'resolve' }));
    later(61);
    const fresh = await intake.apply(integration(), alert());
    expect(fresh.result).toBe('created');
    expect(fresh.incidentId).not.toBe(incidentId);
    expect((await w.tickets.get(fresh.incidentId!))?.links).toContainEqual({
      type: 'relates_to',
      targetId: incidentId,
    });
  });

  it('acknowledge moves a new incident to in progress', async () => {
    const { incidentId } = await intake.apply(integration(), alert());
    expect((await intake.apply(integration(), alert({ action: 'acknowledge' }))).result).toBe('acknowledged');
    expect((await w.tickets.get(incidentId!))?.status).toBe('in_progress');
    expect((await store.getRecord('prom', 'k1'))?.acknowledgedAt).not.toBeNull();
    expect(
      (await intake.apply(integration(), alert({ dedupKey: 'none', action: 'acknowledge' }))).result,
    ).toBe('ignored_no_open_incident');
  });

  it('stale events, info alerts and repeated delivery ids change nothing', async () => {
    const { incidentId } = await intake.apply(integration(), alert({ deliveryId: 'd1' }));
    expect((await intake.apply(integration(), alert({ deliveryId: 'd1' }))).result).toBe(
      'duplicate_delivery',
    );
    const past = new Date(w.clock.now().getTime() - 60_000).toISOString();
    expect((await intake.apply(integration(), alert({ occurredAt: past, action: 'resolve' }))).result).toBe(
      'ignored_stale',
    );
    expect((await w.tickets.get(incidentId!))?.status).toBe('new');
    expect(await store.getRecord('prom', 'k1')).toMatchObject({ fireCount: 1, staleCount: 1 });
    expect((await intake.apply(integration(), alert({ dedupKey: 'i', severity: 'info' }))).result).toBe(
      'ignored_info',
    );
    expect(await store.getRecord('prom', 'i')).toBeUndefined();
  });

  it('maps by opsdesk_ci label, mapping rule, then CI identifier; the rule group routes it', async () => {
    w.addCi(aCi('web-1', { supportGroup: 'service-desk' }), aCi('db-9'));
    identifiers.set('prom:instance=db-9:9100', 'db-9');
    const settings = integration({
      mapping: [{ when: { labels: { team: { regex: 'pay.*' } } }, ciId: 'web-1', group: 'service-desk' }],
    });
    const byLabel = await intake.apply(settings, alert({ dedupKey: 'a', labels: { opsdesk_ci: 'web-1' } }));
    expect((await w.tickets.get(byLabel.incidentId!))?.ciIds).toEqual(['web-1']);
    const byRule = await intake.apply(settings, alert({ dedupKey: 'b', labels: { team: 'payments' } }));
    expect(await w.tickets.get(byRule.incidentId!)).toMatchObject({
      ciIds: ['web-1'],
      group: 'service-desk',
    });
    const byIdentifier = await intake.apply(
      settings,
      alert({ dedupKey: 'c', labels: { instance: 'db-9:9100' } }),
    );
    expect((await w.tickets.get(byIdentifier.incidentId!))?.ciIds).toEqual(['db-9']);
    expect(await store.getRecord('prom', 'c')).toMatchObject({ unmapped: false });
    const unknown = await intake.apply(settings, alert({ dedupKey: 'd', labels: { opsdesk_ci: 'ghost' } }));
    expect((await w.tickets.get(unknown.incidentId!))?.ciIds).toEqual([]);
    expect(await store.getRecord('prom', 'd')).toMatchObject({ unmapped: true });
  });

  it('concurrent first fires of a key open one incident and all are counted', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => intake.apply(integration(), alert())));
    expect(outcomes.filter((o) => o.result === 'created')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.incidentId)).size).toBe(1);
    expect((await store.getRecord('prom', 'k1'))?.fireCount).toBe(6);
  });

  it('authenticates: unknown id, wrong and missing secrets alike; disabled is 403', async () => {
    const { digestOf } = await import('../../functions/alerts/credentials.js');
    await store.putIntegration(
      integration({ secrets: [{ digest: digestOf('s3cret'), validUntil: null }] }),
      0,
    );
    await expect(intake.authenticate('prom', 's3cret')).resolves.toMatchObject({ id: 'prom' });
    for (const [id, secret] of [
      ['prom', 'wrong'],
      ['prom', undefined],
      ['nobody', 's3cret'],
    ] as const) {
      await expect(intake.authenticate(id, secret)).rejects.toMatchObject({
        status: 401,
        message: 'missing or invalid integration credentials',
      });
    }
    await store.putIntegration(
      integration({ id: 'off', enabled: false, secrets: [{ digest: digestOf('x'), validUntil: null }] }),
      0,
    );
    await expect(intake.authenticate('off', 'x')).rejects.toMatchObject({
      status: 403,
      code: 'integration_disabled',
    });
  });

  it('rule 7: a full set of transitions within the window holds the status; the sweeper ends it and resolves', async () => {
    const settings = integration({ flap: { transitions: 4, windowMinutes: 30, quietMinutes: 15 } });
    await store.putIntegration(settings, 0);
    const at = () => w.clock.now().toISOString();
    const created = await intake.apply(settings, alert({ occurredAt: at() }));
    const id = created.incidentId!;
    later(2);
    expect((await intake.apply(settings, alert({ action: 'resolve', occurredAt: at() }))).result).toBe(
      'resolved',
    );
    later(2);
    expect((await intake.apply(settings, alert({ occurredAt: at() }))).result).toBe('reopened');
    later(2);
    // The fourth change within 30 min: flapping; the resolve does not resolve.
    const flapping = await intake.apply(settings, alert({ action: 'resolve', occurredAt: at() }));
    expect(flapping).toMatchObject({ result: 'flapping', incidentId: id });
    expect((await w.tickets.get(id))?.status).toBe('in_progress');
    const record = await store.getRecord('prom', 'k1');
    expect(record).toMatchObject({ flapping: true, state: 'resolved' });
    expect(record!.transitions).toHaveLength(4);
    const history = await w.tickets.listHistory(id, { limit: 20 });
    const events = history.items.flatMap((entry) => entry.events.map((e) => e.detailType));
    expect(events.filter((e) => e === 'Alert Flapping Started')).toHaveLength(1);
    const notes = await w.tickets.listComments(id, { limit: 20 }, { publicOnly: false });
    expect(notes.items.map((c) => c.body).join('\n')).toContain('is flapping');
    // While flapping every trigger and resolve is counted, changes no status and moves the quiet end.
    later(5);
    const fired = await intake.apply(settings, alert({ occurredAt: at() }));
    expect(fired.result).toBe('flapping');
    later(1);
    await intake.apply(settings, alert({ action: 'resolve', occurredAt: at() }));
    const moved = await store.getRecord('prom', 'k1');
    expect(moved!.flapQuietUntil).toBe(new Date(w.clock.now().getTime() + 15 * 60_000).toISOString());
    expect(moved!.fireCount).toBe(3);
    expect((await w.tickets.get(id))?.status).toBe('in_progress');
    // Not yet quiet: the sweeper leaves it.
    const timers = new AlertFlapTimers(store, intake, w.clock);
    later(14);
    expect(await timers.run()).toEqual({ ended: 0 });
    later(2);
    expect(await timers.run()).toEqual({ ended: 1 });
    const ended = await w.tickets.get(id);
    expect(ended).toMatchObject({
      status: 'resolved',
      resolution: { code: 'alert_cleared', notes: 'Cleared after flapping ended' },
    });
    const after = await w.tickets.listHistory(id, { limit: 30 });
    expect(after.items.flatMap((entry) => entry.events.map((e) => e.detailType))).toContain(
      'Alert Flapping Ended',
    );
    expect(await store.getRecord('prom', 'k1')).toMatchObject({ flapping: false, flapQuietUntil: null });
    expect(await timers.run()).toEqual({ ended: 0 });
  });

  it('rule 7: flapping that ends firing keeps the incident open, with a note', async () => {
    const settings = integration({ flap: { transitions: 2, windowMinutes: 30, quietMinutes: 15 } });
    await store.putIntegration(settings, 0);
    const at = () => w.clock.now().toISOString();
    const { incidentId } = await intake.apply(settings, alert({ occurredAt: at() }));
    later(1);
    // Two changes (the opening fire counts) within the window: the clear is held.
    expect((await intake.apply(settings, alert({ action: 'resolve', occurredAt: at() }))).result).toBe(
      'flapping',
    );
    later(1);
    expect((await intake.apply(settings, alert({ occurredAt: at() }))).result).toBe('flapping');
    later(16);
    expect(await new AlertFlapTimers(store, intake, w.clock).run()).toEqual({ ended: 1 });
    expect((await w.tickets.get(incidentId!))?.status).toBe('new');
    const notes = await w.tickets.listComments(incidentId!, { limit: 20 }, { publicOnly: false });
    expect(notes.items.map((c) => c.body).join('\n')).toContain('stopped flapping; it is firing');
  });

  it('rule 10: past the storm limit new keys attach to one storm incident, which resolves when all have cleared', async () => {
    const settings = integration({ stormLimit: { newIncidentsPerMinute: 2 } });
    const results = [];
    for (const key of ['s1', 's2', 's3', 's4', 's5'])
      results.push(await intake.apply(settings, alert({ dedupKey: key })));
    expect(results.map((r) => r.result)).toEqual([
      'created',
      'created',
      'created',
      'deduplicated',
      'deduplicated',
    ]);
    const stormId = results[2]!.incidentId!;
    expect(results[3]!.incidentId).toBe(stormId);
    expect(results[4]!.incidentId).toBe(stormId);
    expect(new Set(results.map((r) => r.incidentId)).size).toBe(3);
    const storm = await w.tickets.get(stormId);
    expect(storm).toMatchObject({ title: 'Alert storm on Prometheus', source: 'alert', status: 'new' });
    const history = await w.tickets.listHistory(stormId, { limit: 10 });
    expect(history.items.flatMap((e) => e.events.map((x) => x.detailType))).toContain('Alert Storm Started');
    // The storm incident is their open incident (rules 2–8): repeats deduplicate onto it.
    expect(await intake.apply(settings, alert({ dedupKey: 's4' }))).toMatchObject({
      result: 'deduplicated',
      incidentId: stormId,
    });
    // It resolves when every key attached to it has cleared, not before.
    await intake.apply(settings, alert({ dedupKey: 's3', action: 'resolve' }));
    await intake.apply(settings, alert({ dedupKey: 's4', action: 'resolve' }));
    expect((await w.tickets.get(stormId))?.status).toBe('new');
    // A cleared key firing again counts again.
    later(1);
    await intake.apply(settings, alert({ dedupKey: 's3' }));
    await intake.apply(settings, alert({ dedupKey: 's5', action: 'resolve' }));
    expect((await w.tickets.get(stormId))?.status).toBe('new');
    await intake.apply(settings, alert({ dedupKey: 's3', action: 'resolve' }));
    expect(await w.tickets.get(stormId)).toMatchObject({
      status: 'resolved',
      resolution: {
        code: 'alert_cleared',
        notes: expect.stringContaining('every alert of the storm has cleared'),
      },
    });
    // The minute has passed: a new key opens its own incident again.
    expect((await intake.apply(settings, alert({ dedupKey: 's6' }))).result).toBe('created');
    expect((await intake.apply(settings, alert({ dedupKey: 's6' }))).incidentId).not.toBe(stormId);
  });

  it('acknowledging an incident already in progress writes alert.acknowledgedAt on the ticket (an internal note), once', async () => {
    const { incidentId } = await intake.apply(integration(), alert());
    await w
      .service(w.tickets)
      .update({ id: 'ann', email: null, name: 'Ann', roles: new Set(['agent']) }, incidentId!, {
        status: 'in_progress',
      });
    commits = [];
    expect((await intake.apply(integration(), alert({ action: 'acknowledge' }))).result).toBe('acknowledged');
    expect(commits).toHaveLength(1);
    const ticket = await w.tickets.get(incidentId!);
    expect(ticket?.alert?.acknowledgedAt).toBe(w.clock.now().toISOString());
    const notes = await w.tickets.listComments(incidentId!, { limit: 10 }, { publicOnly: false });
    expect(notes.items.map((c) => c.body)).toEqual(['Alert k1 acknowledged by Prometheus.']);
    // Again: the record only.
    later(1);
    commits = [];
    await intake.apply(integration(), alert({ action: 'acknowledge' }));
    expect(commits).toEqual([]);
    expect((await w.tickets.get(incidentId!))?.alert?.acknowledgedAt).toBe(ticket?.alert?.acknowledgedAt);
  });

  it('a cold container guesses a first fire for a key it has not seen; a wrong guess gives the storm count back', async () => {
    const settings = integration({ stormLimit: { newIncidentsPerMinute: 1 } });
    const first = await intake.apply(settings, alert({ dedupKey: 'old' }));
    // Another container (a new intake on the same tables) sees the key for the first time.
    const cold = new AlertIntake({
      store,
      tickets: w.tickets,
      ticketService: (s) => w.service(s),
      cmdb: {
        cis: (ids) => w.cmdb.cis(ids),
        services: (ids) => w.cmdb.services(ids),
        ciByIdentifier: async () => undefined,
      },
      clock: w.clock,
      cipher: ephemeralSecretCipher(),
      sns: { verify: async () => false },
    });
    expect(await cold.apply(settings, alert({ dedupKey: 'old' }))).toMatchObject({
      result: 'deduplicated',
      incidentId: first.incidentId,
    });
    // Only the one real new incident counts this minute: a second new key is past the limit of 1.
    const minute = w.clock.now().toISOString().slice(0, 16);
    expect(await store.countNewIncident('prom', minute)).toBe(2);
  });
});

describe('the in-account CloudWatch path (default-bus rule → intake function)', () => {
  it("applies AWS's documented alarm event to the enabled aws_eventbridge integration, and nothing else", async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { applyEventBridge } = await import('../../functions/alerts/http/intake-http.js');
    const w = await world();
    const store = new InMemoryAlertStore();
    const intake = new AlertIntake({
      store,
      tickets: w.tickets,
      ticketService: (s) => w.service(s),
      cmdb: {
        cis: (ids) => w.cmdb.cis(ids),
        services: (ids) => w.cmdb.services(ids),
        ciByIdentifier: async () => undefined,
      },
      clock: w.clock,
      cipher: ephemeralSecretCipher(),
      sns: { verify: async () => false },
    });
    const event = JSON.parse(
      readFileSync(join(import.meta.dirname, 'fixtures', 'cloudwatch-alarm-state-change.json'), 'utf8'),
    );
    // No such integration yet: dropped.
    expect(await applyEventBridge(intake, 'aws-cloudwatch', event)).toBeUndefined();
    await store.putIntegration(
      anIntegration('aws-cloudwatch', { kind: 'cloudwatch', auth: { mode: 'aws_eventbridge' }, secrets: [] }),
      0,
    );
    const outcome = await applyEventBridge(intake, 'aws-cloudwatch', event);
    expect(outcome).toMatchObject({ result: 'created', dedupKey: event.resources[0] });
    expect((await w.tickets.get(outcome!.incidentId!))?.title).toBe('ServerCpuTooHigh');
    // EventBridge delivers at least once: the same event id again changes nothing.
    expect((await applyEventBridge(intake, 'aws-cloudwatch', event))?.result).toBe('duplicate_delivery');
    const insufficient = {
      ...event,
      id: 'e-2',
      detail: { ...event.detail, state: { ...event.detail.state, value: 'INSUFFICIENT_DATA' } },
    };
    expect((await applyEventBridge(intake, 'aws-cloudwatch', insufficient))?.result).toBe(
      'ignored_insufficient_data',
    );
    const ok = {
      ...event,
      id: 'e-3',
      detail: {
        ...event.detail,
        state: { ...event.detail.state, value: 'OK', timestamp: '2019-10-02T17:10:00.000+0000' },
      },
    };
    expect((await applyEventBridge(intake, 'aws-cloudwatch', ok))?.result).toBe('resolved');
  });
});
