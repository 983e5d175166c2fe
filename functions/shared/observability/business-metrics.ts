import type { DomainEvent } from '../outbox/event-bus.js';

/**
 * Business metrics: counts of what the service did (tickets created, SLA breaches, approvals),
 * derived from the domain events the stream publisher puts on the bus. Counting there, rather
 * than in each handler, covers every source (API, email, SLA sweeper, change workflow) with one
 * rule, and counts only changes that committed.
 *
 * The names are shared with the CDK alarms and dashboard (lib/observability), so a renamed metric
 * fails the infrastructure tests instead of leaving an alarm on a metric nobody emits.
 */

/** CloudWatch namespace of every business metric. */
export const BUSINESS_METRICS_NAMESPACE = 'Opsdesk';
/** Powertools adds `service` to every metric; `stage` keeps stages sharing an account apart. */
export const BUSINESS_METRICS_SERVICE = 'opsdesk';

export const BUSINESS_METRICS = [
  'TicketsCreated',
  'TicketsResolved',
  'SlaWarnings',
  'SlaBreaches',
  'ChangesSubmitted',
  'ChangesApproved',
  'ChangesRejected',
  'ApprovalsGranted',
  'ApprovalsRejected',
  'ApprovalsEscalated',
  'ApprovalsExpired',
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

/** Detail-types (docs/architecture.md#events-the-outbox) counted as they are. */
const METRIC_OF_DETAIL_TYPE: Readonly<Record<string, BusinessMetric>> = {
  'Ticket Created': 'TicketsCreated',
  'SLA Warning': 'SlaWarnings',
  'SLA Breached': 'SlaBreaches',
  'Change Submitted': 'ChangesSubmitted',
  'Change Approved': 'ChangesApproved',
  'Change Rejected': 'ChangesRejected',
  'Change Approval Escalated': 'ApprovalsEscalated',
  'Change Approval Expired': 'ApprovalsExpired',
};

/** The business metric an event counts towards, if any. */
export function businessMetricOf(event: DomainEvent): BusinessMetric | undefined {
  // A resolution is a status change like any other on the bus; the metric picks out its target.
  if (event.detailType === 'Ticket Status Changed') {
    return event.detail.to === 'resolved' ? 'TicketsResolved' : undefined;
  }
  // One group's approver decided (docs/changes.md#approvals-and-task-tokens); the change's own outcome is Change Approved/Rejected.
  if (event.detailType === 'Change Approval Decided') {
    if (event.detail.decision === 'approve') return 'ApprovalsGranted';
    return event.detail.decision === 'reject' ? 'ApprovalsRejected' : undefined;
  }
  return METRIC_OF_DETAIL_TYPE[event.detailType];
}

/** How many of each business metric a list of events adds up to; metrics with no events are left out. */
export function countBusinessMetrics(events: readonly DomainEvent[]): Map<BusinessMetric, number> {
  const counts = new Map<BusinessMetric, number>();
  for (const event of events) {
    const metric = businessMetricOf(event);
    if (metric) counts.set(metric, (counts.get(metric) ?? 0) + 1);
  }
  return counts;
}

/** Where business metrics go: CloudWatch (EMF through Powertools) on AWS; nowhere locally. */
export interface BusinessMetricsRecorder {
  /** Adds the events' counts to the current invocation's metrics. */
  record(events: readonly DomainEvent[]): void;
  /** Writes what was recorded (one EMF line) and starts over; writes nothing when nothing was recorded. */
  flush(): void;
}
