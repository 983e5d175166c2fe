import { createHash } from 'node:crypto';
import { type FieldError, ValidationError } from '../shared/errors.js';
import { type AlertAction, MAX_LABELS, type NormalizedAlert, SEVERITIES, type Severity } from './model.js';

/**
 * Native payloads to NormalizedAlert (docs/alerts.md#what-is-read). Each parser checks what it reads
 * and answers every fault at once as a 400 naming its dotted path; nothing else of a payload is
 * required, so unmodified senders (and fields they add later) pass.
 */

export const MAX_SUMMARY_CHARS = 1024;
export const MAX_DEDUP_KEY_CHARS = 255;
/** Incident titles are cut to this. */
export const MAX_TITLE_CHARS = 200;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isTime = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

function severityOf(value: unknown): Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value.toLowerCase())
    ? (value.toLowerCase() as Severity)
    : 'error';
}

function stringLabels(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const labels: Record<string, string> = {};
  for (const [name, label] of Object.entries(value)) {
    if (Object.keys(labels).length >= MAX_LABELS) break;
    if (typeof label === 'string') labels[name] = label;
  }
  return labels;
}

function fail(errors: FieldError[]): never {
  throw new ValidationError(errors);
}

/** SHA-256 of the sorted labels: Alertmanager's dedup key when an alert carries no fingerprint. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Prometheus Alertmanager webhook, version 4: every alert of the group. */
export function fromAlertmanager(body: unknown): NormalizedAlert[] {
  if (!isObject(body)) fail([{ path: '', message: 'must be an Alertmanager webhook object' }]);
  const errors: FieldError[] = [];
  if (body.version !== '4') {
    errors.push({ path: 'version', message: `must be "4" (Alertmanager webhook version 4)` });
  }
  if (!Array.isArray(body.alerts)) errors.push({ path: 'alerts', message: 'must be an array' });
  if (errors.length > 0) fail(errors);
  const alerts = body.alerts as unknown[];
  if (alerts.length > 1000) fail([{ path: 'alerts', message: 'at most 1000 alerts per delivery' }]);
  const out: NormalizedAlert[] = [];
  alerts.forEach((alert, index) => {
    const at = `alerts.${index}`;
    if (!isObject(alert)) {
      errors.push({ path: at, message: 'must be an object' });
      return;
    }
    if (alert.status !== 'firing' && alert.status !== 'resolved') {
      errors.push({ path: `${at}.status`, message: 'must be firing or resolved' });
    }
    if (!isObject(alert.labels)) errors.push({ path: `${at}.labels`, message: 'must be an object' });
    if (!isTime(alert.startsAt)) errors.push({ path: `${at}.startsAt`, message: 'must be a timestamp' });
    if (alert.status === 'resolved' && !isTime(alert.endsAt)) {
      errors.push({ path: `${at}.endsAt`, message: 'must be a timestamp on a resolved alert' });
    }
    if (alert.fingerprint !== undefined && typeof alert.fingerprint !== 'string') {
      errors.push({ path: `${at}.fingerprint`, message: 'must be a string' });
    }
    if (errors.length > 0) return;
    const labels = stringLabels(alert.labels);
    const annotations = stringLabels(alert.annotations);
    const fingerprint = typeof alert.fingerprint === 'string' && alert.fingerprint ? alert.fingerprint : null;
    const dedupKey = fingerprint ?? labelsKey(labels);
    const firing = alert.status === 'firing';
    const summary =
      annotations.summary ??
      `${labels.alertname ?? 'alert'}${labels.instance ? ` on ${labels.instance}` : ''}`;
    out.push({
      dedupKey,
      action: firing ? 'trigger' : 'resolve',
      occurredAt: new Date((firing ? alert.startsAt : alert.endsAt) as string).toISOString(),
      severity: severityOf(labels.severity),
      summary: summary.slice(0, MAX_SUMMARY_CHARS),
      details: annotations.description ?? '',
      labels,
      generatorUrl: typeof alert.generatorURL === 'string' ? alert.generatorURL : null,
      notificationKey: `${dedupKey}|${alert.startsAt as string}|${alert.status as string}`,
      deliveryId: null,
    });
  });
  if (errors.length > 0) fail(errors);
  return out;
}

const PD_ACTIONS: readonly AlertAction[] = ['trigger', 'acknowledge', 'resolve'];

/** PagerDuty Events API v2 (one event). `newKey` draws a dedup key for a trigger without one. */
export function fromPagerDuty(body: unknown, receivedAt: string, newKey: () => string): NormalizedAlert {
  if (!isObject(body)) fail([{ path: '', message: 'must be a PagerDuty Events v2 object' }]);
  const errors: FieldError[] = [];
  const action = body.event_action;
  if (typeof action !== 'string' || !PD_ACTIONS.includes(action as AlertAction)) {
    errors.push({ path: 'event_action', message: 'must be one of trigger, acknowledge, resolve' });
  }
  const dedup = body.dedup_key;
  if (dedup !== undefined && dedup !== null) {
    if (typeof dedup !== 'string' || dedup.length === 0 || dedup.length > MAX_DEDUP_KEY_CHARS) {
      errors.push({ path: 'dedup_key', message: `must be 1–${MAX_DEDUP_KEY_CHARS} characters` });
    }
  } else if (action === 'acknowledge' || action === 'resolve') {
    errors.push({ path: 'dedup_key', message: `is required to ${action as string}` });
  }
  const payload = body.payload;
  if (action === 'trigger') {
    if (!isObject(payload)) {
      errors.push({ path: 'payload', message: 'is required to trigger' });
    } else {
      if (typeof payload.summary !== 'string' || payload.summary.length === 0) {
        errors.push({ path: 'payload.summary', message: 'is required' });
      } else if (payload.summary.length > MAX_SUMMARY_CHARS) {
        errors.push({ path: 'payload.summary', message: `must be at most ${MAX_SUMMARY_CHARS} characters` });
      }
      if (
        payload.severity !== undefined &&
        !(
          typeof payload.severity === 'string' && (SEVERITIES as readonly string[]).includes(payload.severity)
        )
      ) {
        errors.push({ path: 'payload.severity', message: 'must be one of critical, error, warning, info' });
      }
      if (payload.timestamp !== undefined && !isTime(payload.timestamp)) {
        errors.push({ path: 'payload.timestamp', message: 'must be a timestamp' });
      }
    }
  }
  if (errors.length > 0) fail(errors);
  const p = isObject(payload) ? payload : {};
  const labels: Record<string, string> = {};
  for (const name of ['source', 'component', 'group', 'class'] as const) {
    if (typeof p[name] === 'string') labels[name] = p[name] as string;
  }
  Object.assign(labels, stringLabels(p.custom_details));
  const details = isObject(p.custom_details) ? JSON.stringify(p.custom_details, null, 2) : '';
  const generated = typeof dedup !== 'string';
  return {
    dedupKey: generated ? newKey() : dedup,
    action: action as AlertAction,
    occurredAt: isTime(p.timestamp) ? new Date(p.timestamp).toISOString() : receivedAt,
    severity: severityOf(p.severity),
    summary: typeof p.summary === 'string' ? p.summary : '',
    details: details.slice(0, 60_000),
    labels: Object.fromEntries(Object.entries(labels).slice(0, MAX_LABELS)),
    generatorUrl: typeof body.client_url === 'string' ? body.client_url : null,
    notificationKey: null,
    deliveryId: null,
    ...(generated ? { generatedKey: true } : {}),
  };
}

/** What a CloudWatch alarm state means for the rules; `insufficient` follows the integration. */
function cloudWatchAction(state: unknown, path: string): AlertAction | 'insufficient' {
  if (state === 'ALARM') return 'trigger';
  if (state === 'OK') return 'resolve';
  if (state === 'INSUFFICIENT_DATA') return 'insufficient';
  return fail([{ path, message: 'must be ALARM, OK or INSUFFICIENT_DATA' }]);
}

export interface CloudWatchAlert {
  readonly alert: NormalizedAlert;
  /** INSUFFICIENT_DATA: applied per the integration's `insufficientData`. */
  readonly insufficient: boolean;
}

/** CloudWatch "Alarm State Change" (and "Alarm Contributor State Change") as EventBridge delivers it. */
export function fromCloudWatchEvent(body: unknown): CloudWatchAlert {
  if (!isObject(body)) fail([{ path: '', message: 'must be an EventBridge event object' }]);
  const errors: FieldError[] = [];
  const detail = body.detail;
  if (!Array.isArray(body.resources) || typeof body.resources[0] !== 'string') {
    errors.push({ path: 'resources.0', message: 'must be the alarm ARN' });
  }
  if (!isObject(detail)) errors.push({ path: 'detail', message: 'must be an object' });
  else if (!isObject(detail.state)) errors.push({ path: 'detail.state', message: 'must be an object' });
  else if (!isTime(detail.state.timestamp)) {
    errors.push({ path: 'detail.state.timestamp', message: 'must be a timestamp' });
  }
  if (errors.length > 0) fail(errors);
  const d = detail as Json;
  const state = d.state as Json;
  const action = cloudWatchAction(state.value, 'detail.state.value');
  const arn = (body.resources as string[])[0]!;
  const contributor =
    isObject(d.contributor) && typeof d.contributor.id === 'string' ? d.contributor.id : null;
  const labels: Record<string, string> = { alarmArn: arn };
  const metrics =
    isObject(d.configuration) && Array.isArray(d.configuration.metrics) ? d.configuration.metrics : [];
  for (const metric of metrics) {
    const dimensions =
      isObject(metric) && isObject(metric.metricStat) && isObject(metric.metricStat.metric)
        ? metric.metricStat.metric.dimensions
        : undefined;
    Object.assign(labels, stringLabels(dimensions));
  }
  Object.assign(labels, stringLabels(d.alarmTags));
  const name = typeof d.alarmName === 'string' ? d.alarmName : arn;
  return {
    insufficient: action === 'insufficient',
    alert: {
      dedupKey: contributor ? `${arn}#${contributor}` : arn,
      action: action === 'insufficient' ? 'trigger' : action,
      occurredAt: new Date(state.timestamp as string).toISOString(),
      severity: severityOf(labels.severity),
      summary: name.slice(0, MAX_SUMMARY_CHARS),
      details: typeof state.reason === 'string' ? state.reason : '',
      labels: Object.fromEntries(Object.entries(labels).slice(0, MAX_LABELS)),
      generatorUrl: null,
      notificationKey: null,
      deliveryId: typeof body.id === 'string' ? body.id : null,
    },
  };
}

/** The CloudWatch alarm message an SNS notification carries (its `Message`, JSON text). */
export function fromCloudWatchSnsMessage(message: string, messageId: string): CloudWatchAlert {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    fail([{ path: 'Message', message: 'must be a CloudWatch alarm message (JSON)' }]);
  }
  if (!isObject(body)) fail([{ path: 'Message', message: 'must be a CloudWatch alarm message' }]);
  const errors: FieldError[] = [];
  if (typeof body.AlarmArn !== 'string') errors.push({ path: 'Message.AlarmArn', message: 'is required' });
  if (!isTime(body.StateChangeTime)) {
    errors.push({ path: 'Message.StateChangeTime', message: 'must be a timestamp' });
  }
  if (errors.length > 0) fail(errors);
  const action = cloudWatchAction(body.NewStateValue, 'Message.NewStateValue');
  const labels: Record<string, string> = { alarmArn: body.AlarmArn as string };
  const dimensions =
    isObject(body.Trigger) && Array.isArray(body.Trigger.Dimensions) ? body.Trigger.Dimensions : [];
  for (const dimension of dimensions) {
    if (isObject(dimension) && typeof dimension.name === 'string' && typeof dimension.value === 'string') {
      labels[dimension.name] = dimension.value;
    }
  }
  const name = typeof body.AlarmName === 'string' ? body.AlarmName : (body.AlarmArn as string);
  return {
    insufficient: action === 'insufficient',
    alert: {
      dedupKey: body.AlarmArn as string,
      action: action === 'insufficient' ? 'trigger' : action,
      occurredAt: new Date(body.StateChangeTime as string).toISOString(),
      severity: severityOf(labels.severity),
      summary: name.slice(0, MAX_SUMMARY_CHARS),
      details: typeof body.NewStateReason === 'string' ? body.NewStateReason : '',
      labels: Object.fromEntries(Object.entries(labels).slice(0, MAX_LABELS)),
      generatorUrl: null,
      notificationKey: null,
      deliveryId: messageId,
    },
  };
}
