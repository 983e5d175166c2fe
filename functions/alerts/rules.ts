import { patternProblem } from '../shared/json-schema/safe-pattern.js';
import type { Ticket } from '../tickets/model.js';
import type {
  AlertRecord,
  AlertResult,
  IntegrationSettings,
  MappingRule,
  NormalizedAlert,
  SeverityTarget,
} from './model.js';
import { MAX_REMEMBERED_DELIVERIES } from './model.js';

/** Pure rules of docs/alerts.md#rules: what one alert does to its key's record and incident. */

export const OPEN_STATUSES: readonly Ticket['status'][] = ['new', 'in_progress', 'on_hold'];

export const isOpen = (ticket: Ticket | undefined): boolean =>
  ticket !== undefined && OPEN_STATUSES.includes(ticket.status);

/** A fresh record for a key seen for the first time (before its first write). */
export function emptyRecord(
  integrationId: string,
  alert: NormalizedAlert,
  autoResolve: boolean,
): AlertRecord {
  return {
    integrationId,
    dedupKey: alert.dedupKey,
    incidentId: null,
    state: 'resolved',
    fireCount: 0,
    notificationCount: 0,
    staleCount: 0,
    firstFiredAt: null,
    lastFiredAt: null,
    clearedAt: null,
    acknowledgedAt: null,
    lastOccurredAt: null,
    severity: alert.severity,
    labels: alert.labels,
    generatorUrl: alert.generatorUrl,
    unmapped: false,
    autoResolve,
    lastNotificationKey: null,
    lastNoteAt: null,
    deliveries: [],
    transitions: [],
    flapping: false,
    flapQuietUntil: null,
    storm: false,
    version: 0,
  };
}

/**
 * Rule 7's bookkeeping: a state change (firing ↔ resolved; a key's first fire counts) adds its
 * time to the last `keep` transitions; anything else leaves them.
 */
export function withTransition(
  before: AlertRecord,
  after: AlertRecord,
  at: string,
  keep: number,
): AlertRecord {
  if (before.state === after.state) return after;
  return { ...after, transitions: [...before.transitions, at].slice(-keep) };
}

/** Whether a full set of `flap.transitions` changes spans at most `windowMinutes` (rule 7). */
export function startsFlapping(
  before: AlertRecord,
  after: AlertRecord,
  flap: IntegrationSettings['flap'],
): boolean {
  if (after.flapping || after.transitions === before.transitions) return false;
  const times = after.transitions.slice(-flap.transitions);
  if (times.length < flap.transitions) return false;
  return Date.parse(times.at(-1)!) - Date.parse(times[0]!) <= flap.windowMinutes * 60_000;
}

/** The record while flapping: quiet moves to `now + quietMinutes` with every change. */
export function flappingUntil(
  record: AlertRecord,
  now: Date,
  flap: IntegrationSettings['flap'],
): AlertRecord {
  return {
    ...record,
    flapping: true,
    flapQuietUntil: new Date(now.getTime() + flap.quietMinutes * 60_000).toISOString(),
  };
}

/** The record with this delivery remembered (the last 50) and its version moved on. */
export function noted(record: AlertRecord, alert: NormalizedAlert, result: AlertResult): AlertRecord {
  const deliveries = alert.deliveryId
    ? [...record.deliveries, { id: alert.deliveryId, result }].slice(-MAX_REMEMBERED_DELIVERIES)
    : record.deliveries;
  return { ...record, deliveries, version: record.version + 1 };
}

/** A fire of this key: counters and times (a re-notification counts only as a notification). */
export function fired(record: AlertRecord, alert: NormalizedAlert, renotification: boolean): AlertRecord {
  return {
    ...record,
    state: 'firing',
    fireCount: renotification ? record.fireCount : record.fireCount + 1,
    notificationCount: record.notificationCount + 1,
    firstFiredAt: record.firstFiredAt ?? alert.occurredAt,
    lastFiredAt: renotification ? record.lastFiredAt : alert.occurredAt,
    lastOccurredAt: alert.occurredAt,
    severity: alert.severity,
    labels: alert.labels,
    generatorUrl: alert.generatorUrl ?? record.generatorUrl,
    lastNotificationKey: alert.notificationKey,
  };
}

export function cleared(record: AlertRecord, alert: NormalizedAlert): AlertRecord {
  return {
    ...record,
    state: 'resolved',
    clearedAt: alert.occurredAt,
    lastOccurredAt: alert.occurredAt,
    notificationCount: record.notificationCount + 1,
    lastNotificationKey: alert.notificationKey,
  };
}

/** Rule 8: an event older than the key's last one. */
export function isStale(record: AlertRecord | undefined, alert: NormalizedAlert): boolean {
  return (
    record?.lastOccurredAt !== null &&
    record?.lastOccurredAt !== undefined &&
    Date.parse(alert.occurredAt) < Date.parse(record.lastOccurredAt)
  );
}

/** The same Alertmanager notification as the last one applied (fingerprint, startsAt, status). */
export function isRenotification(record: AlertRecord | undefined, alert: NormalizedAlert): boolean {
  return alert.notificationKey !== null && record?.lastNotificationKey === alert.notificationKey;
}

/** Impact and urgency raised to a more severe fire's, never lowered; undefined when nothing rises. */
export function raisedLevels(
  ticket: Pick<Ticket, 'impact' | 'urgency'>,
  target: SeverityTarget | null,
): SeverityTarget | undefined {
  if (!target) return undefined;
  const impact = Math.min(ticket.impact, target.impact) as SeverityTarget['impact'];
  const urgency = Math.min(ticket.urgency, target.urgency) as SeverityTarget['urgency'];
  return impact === ticket.impact && urgency === ticket.urgency ? undefined : { impact, urgency };
}

/** Whether a resolved incident is still within the reopen window at `now`. */
export function withinReopenWindow(ticket: Ticket, minutes: number, now: Date): boolean {
  return (
    ticket.status === 'resolved' &&
    ticket.resolvedAt !== null &&
    now.getTime() - Date.parse(ticket.resolvedAt) <= minutes * 60_000
  );
}

/** Whether a "fired again" note is due (≤ 1 per `noteThrottleMinutes`). */
export function noteDue(record: AlertRecord, minutes: number, now: Date): boolean {
  return record.lastNoteAt === null || now.getTime() - Date.parse(record.lastNoteAt) >= minutes * 60_000;
}

function ruleMatches(rule: MappingRule, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(rule.when.labels).every(([name, matcher]) => {
    const value = labels[name];
    if (value === undefined) return false;
    if (typeof matcher === 'string') return value === matcher;
    // Patterns were checked safe when the integration was written; anchored like Prometheus'.
    return (
      patternProblem(matcher.regex) === undefined && new RegExp(`^(?:${matcher.regex})$`, 'u').test(value)
    );
  });
}

export interface MappingHint {
  readonly ciId?: string;
  readonly serviceId?: string;
  readonly group?: string;
  /** CI identifiers to look up, in order, when neither labels nor rules name a CI. */
  readonly identifiers: readonly string[];
}

/** Labels `opsdesk_ci` / `opsdesk_service`, then the first matching rule, then CI identifiers. */
export function mappingHint(
  settings: Pick<IntegrationSettings, 'mapping'>,
  alert: NormalizedAlert,
): MappingHint {
  const labels = alert.labels;
  const rule = settings.mapping.find((candidate) => ruleMatches(candidate, labels));
  const identifiers: string[] = [];
  if (labels.instance) identifiers.push(`prom:instance=${labels.instance}`);
  if (labels.InstanceId) identifiers.push(`aws:ec2:${labels.InstanceId}`);
  if (labels.alarmArn) identifiers.push(`aws:arn:${labels.alarmArn}`);
  if (labels.source) identifiers.push(`pd:source=${labels.source}`);
  const ciId = labels.opsdesk_ci ?? rule?.ciId;
  const serviceId = labels.opsdesk_service ?? rule?.serviceId;
  return {
    ...(ciId ? { ciId } : {}),
    ...(serviceId ? { serviceId } : {}),
    ...(rule?.group ? { group: rule.group } : {}),
    identifiers,
  };
}

/** An incident title from an alert summary: one line, at most 200 characters. */
export function titleOf(summary: string): string {
  const line = summary.replace(/\s+/g, ' ').trim();
  return (line || 'Alert').slice(0, 200);
}
