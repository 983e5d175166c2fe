/**
 * What the stack's rule on the account's default event bus takes (lib/alerts.ts on AWS,
 * `POST /_local/default-bus` in the local runtime): CloudWatch alarm state changes, which go to
 * the alerts function directly (docs/alerts.md#cloudwatch-in-this-account).
 */
export const ALARM_EVENT_SOURCE = 'aws.cloudwatch';
export const ALARM_DETAIL_TYPES = [
  'CloudWatch Alarm State Change',
  'CloudWatch Alarm Contributor State Change',
] as const;

/** Whether an event matches the rule's pattern (source and detail-type). */
export function matchesAlarmRule(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const { source, 'detail-type': detailType } = event as Record<string, unknown>;
  return source === ALARM_EVENT_SOURCE && (ALARM_DETAIL_TYPES as readonly unknown[]).includes(detailType);
}
