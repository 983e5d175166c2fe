import type { CiDirectory } from '../cmdb/ci-directory.js';
import { isLiveService } from '../cmdb/model.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { DomainError } from '../shared/errors.js';
import type { HistoryEntry, Ticket, TicketAlert } from '../tickets/model.js';
import type { CreateTicketInput } from '../tickets/rules.js';
import type { TicketService } from '../tickets/service.js';
import type { CommitCompanion, TicketStore, TicketWrite } from '../tickets/store/ticket-store.js';
import {
  digestOf,
  IntakeUnauthorizedError,
  IntegrationDisabledError,
  secretMatches,
  validSecrets,
} from './credentials.js';
import type { AlertOutcome, AlertRecord, AlertResult, NormalizedAlert, StoredIntegration } from './model.js';
import {
  cleared,
  emptyRecord,
  fired,
  flappingUntil,
  isOpen,
  isRenotification,
  isStale,
  mappingHint,
  noteDue,
  noted,
  raisedLevels,
  startsFlapping,
  titleOf,
  withinReopenWindow,
  withTransition,
} from './rules.js';
import type { SecretCipher } from './secrets/secret-cipher.js';
import type { SnsMessage, SnsMessageVerifier } from './sns/sns-messages.js';
import { signedByAny, type WebhookHeaders, withinTolerance } from './standard-webhooks.js';
import { AlertRaceError, type AlertStore, type StormWrite } from './store/alert-store.js';

/** How long a container trusts an integration it read (docs/alerts.md#storage). */
const CONFIG_CACHE_MS = 30_000;
/** Re-reads of a key lost to a concurrent delivery before giving up (each round one writer wins). */
const MAX_ROUNDS = 30;
/** Alerts of one Alertmanager group applied at once. */
const GROUP_PARALLELISM = 10;

export interface IntakeDeps {
  readonly store: AlertStore;
  readonly tickets: TicketStore;
  /** A TicketService over the given store (the intake intercepts commits to join its writes). */
  readonly ticketService: (store: TicketStore) => TicketService;
  readonly cmdb: CiDirectory & { ciByIdentifier(identifier: string): Promise<string | undefined> };
  readonly clock: Clock;
  /** Opens the sealed keys of `hmac` integrations. */
  readonly cipher: SecretCipher;
  /** Verifies SNS message signatures (`sns` integrations). */
  readonly sns: SnsMessageVerifier;
}

/** Keys a container remembers (their incident ids), ~100 bytes each. */
const MAX_KNOWN_KEYS = 10_000;

/**
 * What the first round read ahead for a key this container did not know: a ticket number, this
 * minute's storm count (given back unless `used`) and the CI its identifiers name.
 */
interface Early {
  readonly number?: number;
  readonly opened?: number;
  readonly found?: string | null;
  used?: boolean;
}

/** Opened HMAC keys a container keeps (by sealed value), so a delivery costs no KMS call when warm. */
const MAX_OPENED_KEYS = 200;

type Events = (incidentId: string) => HistoryEntry['events'];

/**
 * Alert intake (docs/alerts.md#rules): authenticates a delivery, then applies each alert to its
 * key's record and incident. A repeat is one conditional write of the record; anything that
 * changes the incident is one ticket transaction the record's write joins.
 */
export class AlertIntake {
  private readonly cache = new Map<string, { integration: StoredIntegration; at: number }>();
  private readonly opened = new Map<string, Promise<string>>();
  /** Keys seen by this container → their incident id (null: none yet), to read both in one round. */
  private readonly known = new Map<string, string | null>();
  private readonly routingKeys = new Map<
    string,
    { entry: { integrationId: string; validUntil: string | null }; at: number }
  >();

  constructor(private readonly deps: IntakeDeps) {}

  /** The integration `id` if `secret` is one of its valid secrets; 401 alike for every fault. */
  async authenticate(id: string, secret: string | undefined): Promise<StoredIntegration> {
    const now = this.deps.clock.now();
    // Compared even for an unknown id, so both take the same time.
    const matches = (candidate: StoredIntegration | undefined) =>
      secretMatches(candidate?.secrets ?? [{ digest: '0'.repeat(64), validUntil: null }], secret ?? '', now);
    let integration = await this.integration(id);
    // A secret the cached copy does not know may be one created or rotated since: read again.
    if (integration && !matches(integration)) integration = await this.integration(id, true);
    const ok = matches(integration);
    if (!integration || !ok || secret === undefined) throw new IntakeUnauthorizedError();
    if (!integration.enabled) throw new IntegrationDisabledError(integration.id);
    return integration;
  }

  /**
   * An `hmac` integration: a Standard Webhooks signature by one of its valid keys, timestamp within
   * ±5 min of now. Every fault (headers missing, stale timestamp, wrong key, unknown id, another
   * mode) is the same 401.
   */
  async authenticateHmac(
    id: string,
    headers: WebhookHeaders | undefined,
    body: Uint8Array,
  ): Promise<StoredIntegration> {
    const now = this.deps.clock.now();
    const signed = async (candidate: StoredIntegration | undefined) => {
      if (candidate?.auth.mode !== 'hmac' || !headers) return false;
      const keys = await Promise.all(
        validSecrets(candidate.secrets, now)
          .filter((secret) => secret.sealed !== undefined)
          .map((secret) => this.openKey(candidate.id, secret.sealed!)),
      );
      return signedByAny(headers, body, keys);
    };
    if (!headers || !withinTolerance(headers, now)) throw new IntakeUnauthorizedError();
    let integration = await this.integration(id);
    // A key the cached copy does not know may be one created or rotated since: read again.
    if (integration && !(await signed(integration))) integration = await this.integration(id, true);
    if (!integration || !(await signed(integration))) throw new IntakeUnauthorizedError();
    if (!integration.enabled) throw new IntegrationDisabledError(integration.id);
    return integration;
  }

  /**
   * An `sns` integration: the message's signature verified (version 2, certificate from an SNS
   * host) and its `TopicArn` one of `topicArns`; every fault is the same 401.
   */
  async authenticateSns(
    id: string,
    message: SnsMessage | undefined,
    raw: Readonly<Record<string, unknown>>,
  ): Promise<StoredIntegration> {
    const integration = await this.integration(id);
    if (
      !integration ||
      !message ||
      integration.auth.mode !== 'sns' ||
      !(integration.auth.topicArns ?? []).includes(message.TopicArn) ||
      !(await this.deps.sns.verify(raw))
    ) {
      throw new IntakeUnauthorizedError();
    }
    if (!integration.enabled) throw new IntegrationDisabledError(integration.id);
    return integration;
  }

  private openKey(integrationId: string, sealed: string): Promise<string> {
    const held = this.opened.get(sealed);
    if (held) return held;
    if (this.opened.size >= MAX_OPENED_KEYS) this.opened.delete(this.opened.keys().next().value!);
    const opening = this.deps.cipher.open(sealed, integrationId);
    opening.catch(() => this.opened.delete(sealed));
    this.opened.set(sealed, opening);
    return opening;
  }

  /** `/alerts/v2/enqueue`: the integration whose routing key this is (a `pagerduty_v2` one). */
  async authenticateRoutingKey(routingKey: unknown): Promise<StoredIntegration> {
    if (typeof routingKey !== 'string' || routingKey.length === 0 || routingKey.length > 256) {
      throw new IntakeUnauthorizedError();
    }
    const digest = digestOf(routingKey);
    const now = this.deps.clock.now();
    // Cached like the configuration (30 s): a routing key's integration never changes, and its
    // validUntil is checked again below and by authenticate() on the integration's own secrets.
    const held = this.routingKeys.get(digest);
    const entry =
      held && now.getTime() - held.at < CONFIG_CACHE_MS && now.getTime() >= held.at
        ? held.entry
        : await this.deps.store.integrationByKeyDigest(digest);
    if (entry && held?.entry !== entry) {
      if (this.routingKeys.size >= MAX_KNOWN_KEYS)
        this.routingKeys.delete(this.routingKeys.keys().next().value!);
      this.routingKeys.set(digest, { entry, at: now.getTime() });
    }
    if (!entry || (entry.validUntil !== null && Date.parse(entry.validUntil) <= now.getTime())) {
      throw new IntakeUnauthorizedError();
    }
    const integration = await this.authenticate(entry.integrationId, routingKey);
    if (integration.kind !== 'pagerduty_v2') throw new IntakeUnauthorizedError();
    return integration;
  }

  /** The integration for the in-account EventBridge path (trusted by IAM; none: undefined). */
  async integration(id: string, fresh = false): Promise<StoredIntegration | undefined> {
    const now = this.deps.clock.now().getTime();
    const held = this.cache.get(id);
    if (!fresh && held && now - held.at < CONFIG_CACHE_MS && now >= held.at) return held.integration;
    const integration = await this.deps.store.getIntegration(id);
    if (integration) this.cache.set(id, { integration, at: now });
    else this.cache.delete(id);
    return integration;
  }

  /** Every alert of a delivery, at most ten at once; one failure fails the delivery (it is retried). */
  async applyAll(
    integration: StoredIntegration,
    alerts: readonly NormalizedAlert[],
  ): Promise<AlertOutcome[]> {
    const outcomes: AlertOutcome[] = [];
    for (let start = 0; start < alerts.length; start += GROUP_PARALLELISM) {
      const chunk = alerts.slice(start, start + GROUP_PARALLELISM);
      outcomes.push(...(await Promise.all(chunk.map((alert) => this.apply(integration, alert)))));
    }
    return outcomes;
  }

  /** One alert; a delivery that lost the race for its key re-reads and decides again. */
  async apply(integration: StoredIntegration, alert: NormalizedAlert): Promise<AlertOutcome> {
    for (let round = 1; ; round++) {
      try {
        return await this.applyOnce(integration, alert);
      } catch (error) {
        if (!(error instanceof AlertRaceError) || round >= MAX_ROUNDS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 3 * round)));
      }
    }
  }

  private async applyOnce(integration: StoredIntegration, alert: NormalizedAlert): Promise<AlertOutcome> {
    const now = this.deps.clock.now();
    const known = this.known.get(`${integration.id}\n${alert.dedupKey}`);
    // One round of parallel reads (docs/performance.md#alert-storm-through-the-intake): the record with, for a key this
    // container knows, its incident; for one it does not (likely a first fire), what opening an
    // incident needs: a ticket number, this minute's storm count and the CI identifier lookups.
    const opening =
      known === undefined && alert.action === 'trigger' && integration.severityMap[alert.severity] !== null;
    const minute = now.toISOString().slice(0, 16);
    const [stored, guessed, number, opened, found] = await Promise.all([
      this.deps.store.getRecord(integration.id, alert.dedupKey),
      known ? this.deps.tickets.get(known) : undefined,
      opening ? this.deps.tickets.nextSequence('incident') : undefined,
      opening ? this.deps.store.countNewIncident(integration.id, minute) : undefined,
      opening ? this.lookUpIdentifiers(integration, alert) : undefined,
    ]);
    const record = stored ?? emptyRecord(integration.id, alert, integration.autoResolve);
    this.remember(integration.id, alert.dedupKey, record.incidentId);
    const early: Early = {
      ...(number !== undefined ? { number } : {}),
      ...(opened !== undefined ? { opened } : {}),
      ...(found !== undefined ? { found } : {}),
    };
    try {
      const outcome = await this.decide(integration, alert, now, stored, record, guessed, early);
      if (outcome.incidentId) this.remember(integration.id, alert.dedupKey, outcome.incidentId);
      return outcome;
    } finally {
      // A count taken for an incident that was not opened is given back (a number drawn stays a gap).
      if (early.opened !== undefined && !early.used)
        await this.deps.store.uncountNewIncident(integration.id, minute);
    }
  }

  private async decide(
    integration: StoredIntegration,
    alert: NormalizedAlert,
    now: Date,
    stored: AlertRecord | undefined,
    record: AlertRecord,
    guessed: Ticket | undefined,
    early: Early,
  ): Promise<AlertOutcome> {
    const outcome = (result: AlertResult, incidentId = record.incidentId): AlertOutcome => ({
      dedupKey: alert.dedupKey,
      result,
      incidentId,
    });
    const seen = alert.deliveryId
      ? record.deliveries.find((entry) => entry.id === alert.deliveryId)
      : undefined;
    if (seen) return outcome('duplicate_delivery');
    const read =
      guessed && guessed.id === record.incidentId
        ? guessed
        : record.incidentId
          ? await this.deps.tickets.get(record.incidentId)
          : undefined;
    // A key attached to a storm incident that is no longer open starts afresh (rule 10 ends with it).
    const incident = record.storm && !isOpen(read) ? undefined : read;
    const expected = stored?.version ?? 0;
    if (isStale(stored, alert)) {
      await this.saveRecord(
        noted({ ...record, staleCount: record.staleCount + 1 }, alert, 'ignored_stale'),
        expected,
      );
      return outcome('ignored_stale');
    }
    const caller = callerOf(integration);
    const flap = integration.flap;
    const changed = (after: AlertRecord) => withTransition(record, after, alert.occurredAt, flap.transitions);

    // Rule 7: while a key flaps its incident's status is held; each change is counted and moves the quiet end.
    if (alert.action !== 'acknowledge' && record.flapping && !record.storm && incident && isOpen(incident)) {
      const applied =
        alert.action === 'trigger'
          ? fired(record, alert, isRenotification(stored, alert))
          : cleared(record, alert);
      await this.saveRecord(noted(flappingUntil(changed(applied), now, flap), alert, 'flapping'), expected);
      return outcome('flapping', incident.id);
    }

    if (alert.action === 'acknowledge') {
      if (!incident || !isOpen(incident)) return outcome('ignored_no_open_incident');
      const first = record.acknowledgedAt === null;
      const next = noted(
        { ...record, acknowledgedAt: record.acknowledgedAt ?? now.toISOString() },
        alert,
        'acknowledged',
      );
      if (incident.status === 'new') {
        await this.withRecord(next, expected, incident, () => []).update(caller, incident.id, {
          status: 'in_progress',
        });
      } else if (first) {
        // The ticket item carries alert.acknowledgedAt (reports read it): written with a note.
        await this.withRecord(next, expected, incident, () => []).comment(caller, incident.id, {
          body: `Alert ${alert.dedupKey} acknowledged by ${integration.name}.`,
          visibility: 'internal',
        });
      } else {
        await this.saveRecord(next, expected);
      }
      return outcome('acknowledged');
    }

    if (alert.action === 'resolve') {
      if (!incident || !isOpen(incident)) return outcome('ignored_no_open_incident');
      if (isRenotification(stored, alert)) {
        await this.saveRecord(
          noted({ ...record, notificationCount: record.notificationCount + 1 }, alert, 'renotified'),
          expected,
        );
        return outcome('renotified');
      }
      const clearedRecord = changed(cleared(record, alert));
      if (!record.storm && startsFlapping(record, clearedRecord, flap)) {
        return this.startFlapping(integration, alert, clearedRecord, expected, incident, now);
      }
      const next = noted(clearedRecord, alert, 'resolved');
      // Rule 10: a storm incident resolves when the last of its firing keys clears.
      const storm = record.storm ? await this.stormMoved(integration.id, record, -1) : undefined;
      if (storm && storm.state.firing > 0) {
        await this.saveRecord(next, expected, storm);
        return outcome('resolved');
      }
      const events: Events = (incidentId) => [
        {
          detailType: 'Alert Resolved',
          detail: { integrationId: integration.id, dedupKey: alert.dedupKey, incidentId },
        },
      ];
      const service = this.withRecord(next, expected, incident, events, storm && (() => storm));
      if (integration.autoResolve && autoResolveOf(incident, record)) {
        const notes = storm
          ? `Cleared by ${integration.name} at ${alert.occurredAt}: every alert of the storm has cleared`
          : `Cleared by ${integration.name} at ${alert.occurredAt}`;
        await service.update(caller, incident.id, {
          status: 'resolved',
          resolution: { code: 'alert_cleared', notes },
        });
      } else {
        await service.comment(caller, incident.id, {
          body: `Alert ${alert.dedupKey} cleared at ${alert.occurredAt} (auto-resolve is off).`,
          visibility: 'internal',
        });
      }
      return outcome('resolved');
    }

    // Trigger.
    const target = integration.severityMap[alert.severity];
    if (target === null) return outcome('ignored_info');
    if (incident && isOpen(incident)) {
      const renotified = isRenotification(stored, alert);
      const result: AlertResult = renotified ? 'renotified' : 'deduplicated';
      const firedRecord = changed(fired(record, alert, renotified));
      if (!record.storm && startsFlapping(record, firedRecord, flap)) {
        return this.startFlapping(integration, alert, firedRecord, expected, incident, now);
      }
      const next = noted(firedRecord, alert, result);
      // A storm key firing again after it cleared counts among the storm's firing keys once more.
      const storm =
        record.storm && record.state === 'resolved'
          ? await this.stormMoved(integration.id, record, 1)
          : undefined;
      const raised = renotified ? undefined : raisedLevels(incident, target);
      if (raised) {
        await this.withRecord(next, expected, incident, () => [], storm && (() => storm)).update(
          caller,
          incident.id,
          raised,
        );
      } else if (!renotified && noteDue(record, integration.noteThrottleMinutes, now)) {
        await this.withRecord(
          { ...next, lastNoteAt: now.toISOString() },
          expected,
          incident,
          () => [],
          storm && (() => storm),
        ).comment(caller, incident.id, {
          body: `Alert ${alert.dedupKey} fired again (${next.fireCount}).`,
          visibility: 'internal',
        });
      } else {
        // A repeat: one conditional write of the record; no transaction, no history (counts live on it).
        await this.saveRecord(next, expected, storm);
      }
      return outcome(result);
    }
    const triggered =
      (result: 'created' | 'reopened'): Events =>
      (incidentId) => [
        {
          detailType: 'Alert Triggered',
          detail: { integrationId: integration.id, dedupKey: alert.dedupKey, incidentId, result },
        },
      ];
    if (incident && withinReopenWindow(incident, integration.reopenWindowMinutes, now)) {
      // Firing again: the last clear no longer stands (reports measure first fire → clear).
      const next = noted(changed(fired({ ...record, clearedAt: null }, alert, false)), alert, 'reopened');
      await this.withRecord(next, expected, incident, triggered('reopened')).update(caller, incident.id, {
        status: 'in_progress',
      });
      return outcome('reopened');
    }
    // The incident's creation starts the note throttle: the first repeats within it cost one record write.
    const fresh = changed(
      fired(
        {
          ...record,
          fireCount: 0,
          notificationCount: 0,
          firstFiredAt: null,
          clearedAt: null,
          lastNoteAt: now.toISOString(),
          acknowledgedAt: null,
          flapping: false,
          flapQuietUntil: null,
          storm: false,
        },
        alert,
        false,
      ),
    );
    // Rule 10: past the integration's limit of new incidents this minute, the key joins the storm incident.
    early.used = true;
    const opened =
      early.opened ??
      (await this.deps.store.countNewIncident(integration.id, now.toISOString().slice(0, 16)));
    if (opened > integration.stormLimit.newIncidentsPerMinute) {
      return this.joinStorm(integration, alert, fresh, expected, target);
    }
    const input = await this.incidentInput(integration, alert, target, early.found);
    let createdId = '';
    await this.withRecord(
      (incidentId) => {
        createdId = incidentId;
        return noted(
          { ...fresh, incidentId, unmapped: input.unmapped, autoResolve: integration.autoResolve },
          alert,
          'created',
        );
      },
      expected,
      undefined,
      triggered('created'),
      undefined,
      early.number,
    ).create(caller, input.ticket);
    if (incident) {
      // A later fire after the last incident closed: the new one relates to it (best effort).
      try {
        await this.deps
          .ticketService(this.deps.tickets)
          .link(caller, createdId, { type: 'relates_to', targetId: incident.id });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return outcome('created', createdId);
  }

  /** The storm state after one of its keys starts (+1) or stops (-1) firing, to write with that key's record. */
  private async stormMoved(integrationId: string, record: AlertRecord, by: 1 | -1): Promise<StormWrite> {
    const storm = await this.deps.store.getStorm(integrationId);
    const attached = storm.incidentId === record.incidentId;
    const firing = attached
      ? Math.max(0, storm.firing + (by === -1 && record.state !== 'firing' ? 0 : by))
      : storm.firing;
    return { state: { ...storm, firing, version: storm.version + 1 }, expectedVersion: storm.version };
  }

  /**
   * Rule 10: a new key past the storm limit attaches to the integration's open storm incident (a
   * record write with the storm state, no ticket write), or opens it: "Alert storm on <name>",
   * `Alert Storm Started`. It is then the key's open incident for rules 2–8.
   */
  private async joinStorm(
    integration: StoredIntegration,
    alert: NormalizedAlert,
    fresh: AlertRecord,
    expected: number,
    target: { impact: 1 | 2 | 3; urgency: 1 | 2 | 3 },
  ): Promise<AlertOutcome> {
    const storm = await this.deps.store.getStorm(integration.id);
    const current = storm.incidentId ? await this.deps.tickets.get(storm.incidentId) : undefined;
    const attached = (incidentId: string, result: AlertResult) =>
      noted(
        { ...fresh, incidentId, storm: true, unmapped: true, autoResolve: integration.autoResolve },
        alert,
        result,
      );
    if (current && isOpen(current)) {
      await this.saveRecord(attached(current.id, 'deduplicated'), expected, {
        state: { ...storm, firing: storm.firing + 1, version: storm.version + 1 },
        expectedVersion: storm.version,
      });
      return { dedupKey: alert.dedupKey, result: 'deduplicated', incidentId: current.id };
    }
    const limit = integration.stormLimit.newIncidentsPerMinute;
    let createdId = '';
    await this.withRecord(
      (incidentId) => {
        createdId = incidentId;
        return attached(incidentId, 'created');
      },
      expected,
      undefined,
      (incidentId) => [
        {
          detailType: 'Alert Storm Started',
          detail: { integrationId: integration.id, incidentId, limit, firstDedupKey: alert.dedupKey },
        },
      ],
      (incidentId) => ({
        state: { integrationId: integration.id, incidentId, firing: 1, version: storm.version + 1 },
        expectedVersion: storm.version,
      }),
    ).create(callerOf(integration), {
      type: 'incident',
      title: titleOf(`Alert storm on ${integration.name}`),
      description: `More than ${limit} alerts of ${integration.name} opened incidents within a minute: until the minute passes, each new alert attaches to this incident instead of opening its own. It resolves when every alert attached to it has cleared. First: ${alert.summary}`,
      impact: target.impact,
      urgency: target.urgency,
      category: integration.defaults.category,
      ...(integration.defaults.group ? { group: integration.defaults.group } : {}),
      requester: { id: integration.defaults.requester.id, name: integration.defaults.requester.name },
      source: 'alert',
    });
    return { dedupKey: alert.dedupKey, result: 'created', incidentId: createdId };
  }

  /** Rule 7 begins: one internal note and `Alert Flapping Started`; the status stays as it is. */
  private async startFlapping(
    integration: StoredIntegration,
    alert: NormalizedAlert,
    record: AlertRecord,
    expected: number,
    incident: Ticket,
    now: Date,
  ): Promise<AlertOutcome> {
    const { flap } = integration;
    const next = noted(flappingUntil(record, now, flap), alert, 'flapping');
    const events: Events = (incidentId) => [
      {
        detailType: 'Alert Flapping Started',
        detail: {
          integrationId: integration.id,
          dedupKey: alert.dedupKey,
          incidentId,
          flapQuietUntil: next.flapQuietUntil,
        },
      },
    ];
    await this.withRecord(next, expected, incident, events).comment(callerOf(integration), incident.id, {
      body: `Alert ${alert.dedupKey} is flapping (${flap.transitions} state changes within ${flap.windowMinutes} min): the incident's status is held until it has been quiet ${flap.quietMinutes} min (until ${next.flapQuietUntil} at the earliest).`,
      visibility: 'internal',
    });
    return { dedupKey: alert.dedupKey, result: 'flapping', incidentId: incident.id };
  }

  /**
   * The sweeper at `flapQuietUntil` (rule 7): flapping ends with `Alert Flapping Ended`; when the
   * key's last state is resolved and auto-resolve applies, the incident resolves ("Cleared after
   * flapping ended"), else an internal note says how it stands. A key changed since it was listed
   * (its quiet moved on) is left for a later sweep.
   */
  async endFlapping(integrationId: string, dedupKey: string): Promise<'ended' | 'not_due'> {
    for (let round = 1; ; round++) {
      try {
        return await this.endFlappingOnce(integrationId, dedupKey);
      } catch (error) {
        if (!(error instanceof AlertRaceError) || round >= MAX_ROUNDS) throw error;
      }
    }
  }

  private async endFlappingOnce(integrationId: string, dedupKey: string): Promise<'ended' | 'not_due'> {
    const now = this.deps.clock.now();
    const [integration, record] = await Promise.all([
      this.integration(integrationId),
      this.deps.store.getRecord(integrationId, dedupKey),
    ]);
    if (!record?.flapping || !record.flapQuietUntil || Date.parse(record.flapQuietUntil) > now.getTime()) {
      return 'not_due';
    }
    const next: AlertRecord = {
      ...record,
      flapping: false,
      flapQuietUntil: null,
      version: record.version + 1,
    };
    const incident = record.incidentId ? await this.deps.tickets.get(record.incidentId) : undefined;
    if (!integration || !incident || !isOpen(incident)) {
      // Nothing left to hold (the incident was closed by hand): the flag and its timer go.
      await this.saveRecord(next, record.version);
      return 'ended';
    }
    const caller = callerOf(integration);
    const ended = (incidentId: string) => ({
      detailType: 'Alert Flapping Ended',
      detail: { integrationId, dedupKey, incidentId, state: record.state },
    });
    if (record.state === 'resolved' && integration.autoResolve && autoResolveOf(incident, record)) {
      await this.withRecord(next, record.version, incident, (incidentId) => [
        ended(incidentId),
        { detailType: 'Alert Resolved', detail: { integrationId, dedupKey, incidentId } },
      ]).update(caller, incident.id, {
        status: 'resolved',
        resolution: { code: 'alert_cleared', notes: 'Cleared after flapping ended' },
      });
    } else {
      await this.withRecord(next, record.version, incident, (incidentId) => [ended(incidentId)]).comment(
        caller,
        incident.id,
        {
          body: `Alert ${dedupKey} stopped flapping; it is ${record.state === 'firing' ? 'firing' : 'cleared (auto-resolve is off)'}.`,
          visibility: 'internal',
        },
      );
    }
    return 'ended';
  }

  private async saveRecord(record: AlertRecord, expected: number, storm?: StormWrite): Promise<void> {
    await this.deps.store.saveRecord(record, expected, storm);
  }

  /** The CI the alert's identifiers name (first in order that one claims), all looked up at once. */
  private async lookUpIdentifiers(
    integration: StoredIntegration,
    alert: NormalizedAlert,
  ): Promise<string | null> {
    const hint = mappingHint(integration, alert);
    if (hint.ciId) return null;
    const found = await Promise.all(
      hint.identifiers.map((identifier) => this.deps.cmdb.ciByIdentifier(identifier)),
    );
    return found.find((ciId) => ciId !== undefined) ?? null;
  }

  /** Keys this container has seen, with their incident: bounded, oldest forgotten first. */
  private remember(integrationId: string, dedupKey: string, incidentId: string | null): void {
    const key = `${integrationId}\n${dedupKey}`;
    this.known.delete(key);
    if (this.known.size >= MAX_KNOWN_KEYS) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, incidentId);
  }

  /** The incident a first fire opens: mapping to CI, service and group; unmapped when none found. */
  private async incidentInput(
    integration: StoredIntegration,
    alert: NormalizedAlert,
    target: { impact: 1 | 2 | 3; urgency: 1 | 2 | 3 },
    claimed?: string | null,
  ): Promise<{ ticket: CreateTicketInput; unmapped: boolean }> {
    const hint = mappingHint(integration, alert);
    const ciId =
      hint.ciId ??
      (claimed === undefined ? await this.lookUpIdentifiers(integration, alert) : claimed) ??
      undefined;
    const named = [ciId, hint.serviceId].filter((id): id is string => !!id);
    const found = named.length > 0 ? await this.deps.cmdb.cis(named) : new Map();
    const ci = ciId && found.has(ciId) && found.get(ciId)!.status !== 'retired' ? ciId : undefined;
    const service = hint.serviceId && isLiveService(found.get(hint.serviceId)) ? hint.serviceId : undefined;
    const unmapped = !ci && !service;
    const group = hint.group ?? (unmapped ? (integration.defaults.group ?? undefined) : undefined);
    return {
      unmapped,
      ticket: {
        type: 'incident',
        title: titleOf(alert.summary),
        description: alert.details.slice(0, 60_000),
        impact: target.impact,
        urgency: target.urgency,
        category: integration.defaults.category,
        ...(ci ? { ciIds: [ci] } : {}),
        ...(service ? { serviceId: service } : {}),
        ...(group ? { group } : {}),
        requester: { id: integration.defaults.requester.id, name: integration.defaults.requester.name },
        source: 'alert',
        // A critical alert takes its services down until someone says otherwise (serviceImpact, SPEC §16).
        ...(alert.severity === 'critical' ? { serviceImpact: 'outage' as const } : {}),
      },
    };
  }

  /**
   * A TicketService whose commit carries the alert record's write (in the same transaction when the
   * ticket store can carry it; else the record first, so a lost race writes no ticket) and whose
   * history entry carries the alert events. `copy`: the incident just read (first attempt only).
   */
  private withRecord(
    record: AlertRecord | ((incidentId: string) => AlertRecord),
    expected: number,
    copy: Ticket | undefined,
    events: Events,
    storm?: (incidentId: string) => StormWrite,
    /** A ticket number drawn in the first round: create() takes it instead of drawing one. */
    number?: number,
  ): TicketService {
    const inner = this.deps.tickets;
    const store: TicketStore = new Proxy(inner, {
      get(target, property) {
        if (property === 'nextSequence' && number !== undefined) {
          return () => Promise.resolve(number);
        }
        if (property === 'get') {
          return (id: string, hint?: { version?: number; recent?: boolean }) =>
            copy && id === copy.id && (hint?.recent || hint?.version === copy.version)
              ? Promise.resolve(copy)
              : target.get(id, hint);
        }
        if (property === 'commit') {
          return async (writes: readonly TicketWrite[], _companion?: CommitCompanion) => {
            const first = writes[0]!;
            const written = typeof record === 'function' ? record(first.after.id) : record;
            const history = {
              ...first.history,
              events: [...first.history.events, ...events(first.after.id)],
            };
            // The ticket item carries the alert block, refreshed by every transaction of the intake.
            const after = { ...first.after, alert: alertBlock(written, first.after.alert) };
            const all = [{ ...first, after, history }, ...writes.slice(1)];
            const stormWrite = storm?.(first.after.id);
            const companion = outer.deps.store.recordCompanion(written, expected, stormWrite);
            if (!companion) {
              await outer.deps.store.saveRecord(written, expected, stormWrite);
              await target.commit(all);
              return;
            }
            let carried = false;
            await target.commit(all, {
              ...companion,
              kind: companion.kind,
              carried: () => {
                carried = true;
                companion.carried();
              },
            });
            if (!carried) await outer.deps.store.saveRecord(written, expected, stormWrite);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const outer = this;
    return this.deps.ticketService(store);
  }
}

/** Who an integration's changes are made by (history actor): staff, so it may set requester and group. */
export function callerOf(integration: Pick<StoredIntegration, 'id' | 'name'>): Caller {
  return {
    id: `integration:${integration.id}`,
    email: null,
    name: integration.name,
    roles: new Set(['agent']),
  };
}

/** Auto-resolve on the incident: an agent's `PATCH {alert: {autoResolve}}` wins over the record's. */
function autoResolveOf(incident: Ticket, record: AlertRecord): boolean {
  return incident.alert?.autoResolve ?? record.autoResolve;
}

/** The incident's read-only alert block (SPEC §13 rule 1) from its key's record. */
export function alertBlock(record: AlertRecord, current: TicketAlert | null | undefined): TicketAlert {
  return {
    integrationId: record.integrationId,
    dedupKey: record.dedupKey,
    state: record.state,
    fireCount: record.fireCount,
    notificationCount: record.notificationCount,
    firstFiredAt: record.firstFiredAt,
    lastFiredAt: record.lastFiredAt,
    clearedAt: record.clearedAt,
    acknowledgedAt: record.acknowledgedAt,
    severity: record.severity,
    labels: record.labels,
    generatorUrl: record.generatorUrl,
    unmapped: record.unmapped,
    flapping: record.flapping,
    flapQuietUntil: record.flapQuietUntil,
    autoResolve: current?.autoResolve ?? record.autoResolve,
  };
}
