import type { CiDirectory } from '../cmdb/ci-directory.js';
import { isLiveService } from '../cmdb/model.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { DomainError } from '../shared/errors.js';
import type { HistoryEntry, Ticket } from '../tickets/model.js';
import type { CreateTicketInput } from '../tickets/rules.js';
import type { TicketService } from '../tickets/service.js';
import type { CommitCompanion, TicketStore, TicketWrite } from '../tickets/store/ticket-store.js';
import { digestOf, IntakeUnauthorizedError, IntegrationDisabledError, secretMatches } from './credentials.js';
import type { AlertOutcome, AlertRecord, AlertResult, NormalizedAlert, StoredIntegration } from './model.js';
import {
  cleared,
  emptyRecord,
  fired,
  isOpen,
  isRenotification,
  isStale,
  mappingHint,
  noteDue,
  noted,
  raisedLevels,
  titleOf,
  withinReopenWindow,
} from './rules.js';
import { AlertRaceError, type AlertStore } from './store/alert-store.js';

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
}

type Events = (incidentId: string) => HistoryEntry['events'];

/**
 * Alert intake (docs/alerts.md#rules): authenticates a delivery, then applies each alert to its
 * key's record and incident. A repeat is one conditional write of the record; anything that
 * changes the incident is one ticket transaction the record's write joins.
 */
export class AlertIntake {
  private readonly cache = new Map<string, { integration: StoredIntegration; at: number }>();

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

  /** `/alerts/v2/enqueue`: the integration whose routing key this is (a `pagerduty_v2` one). */
  async authenticateRoutingKey(routingKey: unknown): Promise<StoredIntegration> {
    if (typeof routingKey !== 'string' || routingKey.length === 0 || routingKey.length > 256) {
      throw new IntakeUnauthorizedError();
    }
    const entry = await this.deps.store.integrationByKeyDigest(digestOf(routingKey));
    const now = this.deps.clock.now();
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
    const stored = await this.deps.store.getRecord(integration.id, alert.dedupKey);
    const record = stored ?? emptyRecord(integration.id, alert, integration.autoResolve);
    const outcome = (result: AlertResult, incidentId = record.incidentId): AlertOutcome => ({
      dedupKey: alert.dedupKey,
      result,
      incidentId,
    });
    const seen = alert.deliveryId
      ? record.deliveries.find((entry) => entry.id === alert.deliveryId)
      : undefined;
    if (seen) return outcome('duplicate_delivery');
    const incident = record.incidentId ? await this.deps.tickets.get(record.incidentId) : undefined;
    const expected = stored?.version ?? 0;
    if (isStale(stored, alert)) {
      await this.saveRecord(
        noted({ ...record, staleCount: record.staleCount + 1 }, alert, 'ignored_stale'),
        expected,
      );
      return outcome('ignored_stale');
    }
    const caller = callerOf(integration);

    if (alert.action === 'acknowledge') {
      if (!incident || !isOpen(incident)) return outcome('ignored_no_open_incident');
      const next = noted({ ...record, acknowledgedAt: now.toISOString() }, alert, 'acknowledged');
      if (incident.status === 'new') {
        await this.withRecord(next, expected, incident, () => []).update(caller, incident.id, {
          status: 'in_progress',
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
      const next = noted(cleared(record, alert), alert, 'resolved');
      const events: Events = (incidentId) => [
        {
          detailType: 'Alert Resolved',
          detail: { integrationId: integration.id, dedupKey: alert.dedupKey, incidentId },
        },
      ];
      const service = this.withRecord(next, expected, incident, events);
      if (integration.autoResolve && record.autoResolve) {
        const notes = `Cleared by ${integration.name} at ${alert.occurredAt}`;
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
      const next = noted(fired(record, alert, renotified), alert, result);
      const raised = renotified ? undefined : raisedLevels(incident, target);
      if (raised) {
        await this.withRecord(next, expected, incident, () => []).update(caller, incident.id, raised);
      } else if (!renotified && noteDue(record, integration.noteThrottleMinutes, now)) {
        await this.withRecord(
          { ...next, lastNoteAt: now.toISOString() },
          expected,
          incident,
          () => [],
        ).comment(caller, incident.id, {
          body: `Alert ${alert.dedupKey} fired again (${next.fireCount}).`,
          visibility: 'internal',
        });
      } else {
        // A repeat: one conditional write of the record; no transaction, no history (counts live on it).
        await this.saveRecord(next, expected);
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
      const next = noted(fired(record, alert, false), alert, 'reopened');
      await this.withRecord(next, expected, incident, triggered('reopened')).update(caller, incident.id, {
        status: 'in_progress',
      });
      return outcome('reopened');
    }
    const input = await this.incidentInput(integration, alert, target);
    // The incident's creation starts the note throttle: the first repeats within it cost one record write.
    const fresh = fired(
      {
        ...record,
        fireCount: 0,
        notificationCount: 0,
        firstFiredAt: null,
        lastNoteAt: now.toISOString(),
        acknowledgedAt: null,
      },
      alert,
      false,
    );
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

  private async saveRecord(record: AlertRecord, expected: number): Promise<void> {
    await this.deps.store.saveRecord(record, expected);
  }

  /** The incident a first fire opens: mapping to CI, service and group; unmapped when none found. */
  private async incidentInput(
    integration: StoredIntegration,
    alert: NormalizedAlert,
    target: { impact: 1 | 2 | 3; urgency: 1 | 2 | 3 },
  ): Promise<{ ticket: CreateTicketInput; unmapped: boolean }> {
    const hint = mappingHint(integration, alert);
    let ciId = hint.ciId;
    if (!ciId) {
      for (const identifier of hint.identifiers) {
        ciId = await this.deps.cmdb.ciByIdentifier(identifier);
        if (ciId) break;
      }
    }
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
  ): TicketService {
    const inner = this.deps.tickets;
    const store: TicketStore = new Proxy(inner, {
      get(target, property) {
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
            const all = [{ ...first, history }, ...writes.slice(1)];
            const companion = outer.deps.store.recordCompanion(written, expected);
            if (!companion) {
              await outer.deps.store.saveRecord(written, expected);
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
            if (!carried) await outer.deps.store.saveRecord(written, expected);
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
