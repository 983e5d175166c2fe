/**
 * Monitoring integrations and the alerts they deliver (docs/alerts.md). An integration is a
 * caller-chosen id with a kind (whose native payload it takes), credentials and the rules that turn
 * its alerts into incidents. One alert record per (integration, dedup key) holds that key's state.
 */
export const INTEGRATION_KINDS = ['alertmanager', 'cloudwatch', 'pagerduty_v2', 'sns_cloudwatch'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export const AUTH_MODES = ['bearer', 'hmac', 'sns', 'aws_eventbridge'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Level = 1 | 2 | 3;

export interface SeverityTarget {
  readonly impact: Level;
  readonly urgency: Level;
}

export type LabelMatcher = string | { readonly regex: string };

export interface MappingRule {
  readonly when: { readonly labels: Readonly<Record<string, LabelMatcher>> };
  readonly ciId?: string;
  readonly serviceId?: string;
  readonly group?: string;
}

/** What an admin writes (PUT /integrations/{id}); every field but `name`, `kind`, `auth` has a default. */
export interface IntegrationSettings {
  readonly name: string;
  readonly enabled: boolean;
  readonly kind: IntegrationKind;
  readonly auth: { readonly mode: AuthMode; readonly topicArns?: readonly string[] };
  readonly defaults: {
    readonly group: string | null;
    readonly category: string | null;
    readonly requester: { readonly id: string; readonly name: string | null };
  };
  readonly severityMap: Readonly<Record<Severity, SeverityTarget | null>>;
  readonly mapping: readonly MappingRule[];
  readonly autoResolve: boolean;
  readonly reopenWindowMinutes: number;
  readonly flap: {
    readonly transitions: number;
    readonly windowMinutes: number;
    readonly quietMinutes: number;
  };
  readonly noteThrottleMinutes: number;
  readonly stormLimit: { readonly newIncidentsPerMinute: number };
  readonly insufficientData: 'ignore' | 'trigger';
}

/** A stored secret: only its SHA-256 digest; `validUntil` null while it is the current one. */
export interface StoredSecret {
  readonly digest: string;
  readonly validUntil: string | null;
  /** `hmac` integrations: the signing key itself, sealed by the SecretCipher (KMS on AWS). */
  readonly sealed?: string;
}

export interface Integration extends IntegrationSettings {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** The stored integration: the public record plus its secret digests (never answered). */
export interface StoredIntegration extends Integration {
  readonly secrets: readonly StoredSecret[];
}

export const DEFAULT_SEVERITY_MAP: IntegrationSettings['severityMap'] = {
  critical: { impact: 1, urgency: 1 },
  error: { impact: 2, urgency: 1 },
  warning: { impact: 2, urgency: 2 },
  info: null,
};

export const DEFAULT_REQUESTER = { id: 'monitoring', name: 'Monitoring' } as const;

/** How long a replaced secret keeps working after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export const ALERT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** One alert out of a native payload, in the shape the rules take (docs/alerts.md#what-is-read). */
export interface NormalizedAlert {
  readonly dedupKey: string;
  readonly action: AlertAction;
  readonly occurredAt: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly details: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly generatorUrl: string | null;
  /** Alertmanager: `fingerprint|startsAt|status`, to tell a re-notification from a re-fire. */
  readonly notificationKey: string | null;
  /** The delivery id (PagerDuty: none; Standard Webhooks `webhook-id`, EventBridge `id`, SNS `MessageId`). */
  readonly deliveryId: string | null;
  /** PagerDuty: the dedup key was generated here (returned to the sender). */
  readonly generatedKey?: boolean;
}

export const ALERT_RESULTS = [
  'created',
  'deduplicated',
  'renotified',
  'acknowledged',
  'resolved',
  'reopened',
  'flapping',
  'ignored_no_open_incident',
  'ignored_info',
  'ignored_stale',
  'ignored_insufficient_data',
  'duplicate_delivery',
] as const;
export type AlertResult = (typeof ALERT_RESULTS)[number];

export interface AlertOutcome {
  readonly dedupKey: string;
  readonly result: AlertResult;
  readonly incidentId: string | null;
}

/** Most delivery ids an alert record remembers (for `duplicate_delivery`). */
export const MAX_REMEMBERED_DELIVERIES = 50;
export const MAX_LABELS = 50;

/** The state of one (integration, dedup key): stored as the ALERT item, written conditionally on `version`. */
export interface AlertRecord {
  readonly integrationId: string;
  readonly dedupKey: string;
  /** The incident this key's alerts go to (open or last); null before the first incident. */
  readonly incidentId: string | null;
  readonly state: 'firing' | 'resolved';
  readonly fireCount: number;
  readonly notificationCount: number;
  /** Stale events, counted and otherwise ignored. */
  readonly staleCount: number;
  readonly firstFiredAt: string | null;
  readonly lastFiredAt: string | null;
  readonly clearedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly lastOccurredAt: string | null;
  readonly severity: Severity;
  readonly labels: Readonly<Record<string, string>>;
  readonly generatorUrl: string | null;
  readonly unmapped: boolean;
  readonly autoResolve: boolean;
  readonly lastNotificationKey: string | null;
  /** When the last "fired again" note was added (the note throttle). */
  readonly lastNoteAt: string | null;
  readonly deliveries: readonly { readonly id: string; readonly result: AlertResult }[];
  /** When the last `flap.transitions` state changes (firing ↔ resolved) happened, oldest first. */
  readonly transitions: readonly string[];
  /** Rule 7: the key changes state too often; its incident's status is held until quiet. */
  readonly flapping: boolean;
  /** When the sweeper ends the flapping (in the due index while flapping); null otherwise. */
  readonly flapQuietUntil: string | null;
  /** Rule 10: attached to its integration's storm incident (`incidentId`) rather than one of its own. */
  readonly storm: boolean;
  readonly version: number;
}

/**
 * Rule 10: an integration's storm incident and how many keys attached to it still fire (it resolves
 * at 0). Written in the same transaction as the key record whose change moves it.
 */
export interface StormState {
  readonly integrationId: string;
  readonly incidentId: string | null;
  readonly firing: number;
  readonly version: number;
}

/** Fields added to alert records after they were first stored; an older item reads with these. */
export const LATER_RECORD_FIELDS = {
  transitions: [],
  flapping: false,
  flapQuietUntil: null,
  storm: false,
} as const;

/** An integration as reads answer it: without its secrets. */
export function publicIntegration(stored: StoredIntegration): Integration {
  const { secrets: _secrets, ...rest } = stored;
  return rest;
}
