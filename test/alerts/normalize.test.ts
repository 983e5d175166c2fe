import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fromAlertmanager,
  fromCloudWatchEvent,
  fromCloudWatchSnsMessage,
  fromPagerDuty,
  labelsKey,
} from '../../functions/alerts/normalize.js';
import { ValidationError } from '../../functions/shared/errors.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));

function pathsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors.map((e) => e.path);
  }
  throw new Error('expected a ValidationError');
}

describe('native payloads to alerts', () => {
  it('Alertmanager v4: every alert of the group, fingerprint as key, startsAt/endsAt as time', () => {
    const alerts = fromAlertmanager({
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Down', instance: 'web-1:9100', severity: 'critical' },
          annotations: { description: 'gone' },
          startsAt: '2026-12-07T05:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://p/graph',
          fingerprint: 'abc',
        },
        {
          status: 'resolved',
          labels: { alertname: 'Slow', severity: 'bogus' },
          annotations: { summary: 'Slow!' },
          startsAt: '2026-12-07T05:00:00Z',
          endsAt: '2026-12-07T05:05:00Z',
        },
      ],
    });
    expect(alerts[0]).toMatchObject({
      dedupKey: 'abc',
      action: 'trigger',
      occurredAt: '2026-12-07T05:00:00.000Z',
      severity: 'critical',
      summary: 'Down on web-1:9100',
      details: 'gone',
      notificationKey: 'abc|2026-12-07T05:00:00Z|firing',
    });
    expect(alerts[1]).toMatchObject({
      dedupKey: labelsKey({ alertname: 'Slow', severity: 'bogus' }),
      action: 'resolve',
      occurredAt: '2026-12-07T05:05:00.000Z',
      severity: 'error',
      summary: 'Slow!',
    });
    // The label key does not depend on label order.
    expect(labelsKey({ b: '1', a: '2' })).toBe(labelsKey({ a: '2', b: '1' }));
  });

  it('Alertmanager: a wrong version or bad alerts name their paths', () => {
    expect(pathsOf(() => fromAlertmanager({ version: '3', alerts: [] }))).toEqual(['version']);
    expect(pathsOf(() => fromAlertmanager({ version: '4' }))).toEqual(['alerts']);
    expect(
      pathsOf(() =>
        fromAlertmanager({ version: '4', alerts: [{ status: 'x', labels: [], startsAt: 'soon' }, 7] }),
      ),
    ).toEqual(['alerts.0.status', 'alerts.0.labels', 'alerts.0.startsAt', 'alerts.1']);
  });

  it('PagerDuty v2: dedup_key or a generated one; labels from source, component, group, class, custom_details', () => {
    const alert = fromPagerDuty(
      {
        routing_key: 'k',
        event_action: 'trigger',
        payload: {
          summary: 'DB down',
          source: 'db-1',
          severity: 'warning',
          component: 'postgres',
          custom_details: { region: 'eu', count: 3 },
          timestamp: '2026-12-07T05:00:00.000+01:00',
        },
      },
      '2026-12-07T06:00:00.000Z',
      () => 'GENERATED',
    );
    expect(alert).toMatchObject({
      dedupKey: 'GENERATED',
      generatedKey: true,
      action: 'trigger',
      severity: 'warning',
      occurredAt: '2026-12-07T04:00:00.000Z',
      labels: { source: 'db-1', component: 'postgres', region: 'eu' },
    });
    const resolve = fromPagerDuty(
      { event_action: 'resolve', dedup_key: 'x' },
      '2026-12-07T06:00:00.000Z',
      () => 'n',
    );
    expect(resolve).toMatchObject({
      dedupKey: 'x',
      action: 'resolve',
      occurredAt: '2026-12-07T06:00:00.000Z',
    });
  });

  it('PagerDuty v2: enum, dedup_key and summary faults', () => {
    const now = '2026-12-07T06:00:00.000Z';
    const key = () => 'k';
    expect(pathsOf(() => fromPagerDuty({ event_action: 'explode' }, now, key))).toEqual(['event_action']);
    expect(pathsOf(() => fromPagerDuty({ event_action: 'acknowledge' }, now, key))).toEqual(['dedup_key']);
    expect(
      pathsOf(() => fromPagerDuty({ event_action: 'resolve', dedup_key: 'x'.repeat(256) }, now, key)),
    ).toEqual(['dedup_key']);
    expect(
      pathsOf(() =>
        fromPagerDuty(
          { event_action: 'trigger', payload: { summary: 'x'.repeat(1025), severity: 'huge' } },
          now,
          key,
        ),
      ),
    ).toEqual(['payload.summary', 'payload.severity']);
    expect(pathsOf(() => fromPagerDuty({ event_action: 'trigger' }, now, key))).toEqual(['payload']);
  });

  it("CloudWatch Alarm State Change (AWS's documented EventBridge example)", () => {
    const { alert, insufficient } = fromCloudWatchEvent(fixture('cloudwatch-alarm-state-change.json'));
    expect(insufficient).toBe(false);
    expect(alert).toMatchObject({
      dedupKey: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
      action: 'trigger',
      occurredAt: '2019-10-02T17:04:40.989Z',
      summary: 'ServerCpuTooHigh',
      labels: { InstanceId: 'i-12345678901234567' },
      deliveryId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    });
    expect(alert.details).toMatch(/^Threshold Crossed/);
    const ok = fixture('cloudwatch-alarm-state-change.json');
    ok.detail.state.value = 'OK';
    expect(fromCloudWatchEvent(ok).alert.action).toBe('resolve');
    ok.detail.state.value = 'INSUFFICIENT_DATA';
    expect(fromCloudWatchEvent(ok).insufficient).toBe(true);
    ok.detail.contributor = { id: 'c-1' };
    expect(fromCloudWatchEvent(ok).alert.dedupKey).toMatch(/ServerCpuTooHigh#c-1$/);
    expect(pathsOf(() => fromCloudWatchEvent({ detail: {} }))).toEqual(['resources.0', 'detail.state']);
  });

  it('CloudWatch alarm message of an SNS notification (the documented shape)', () => {
    const notification = fixture('sns-cloudwatch-notification.json');
    const { alert } = fromCloudWatchSnsMessage(notification.Message, notification.MessageId);
    expect(alert).toMatchObject({
      dedupKey: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:awsec2-i-0abc1234-High-CPU-Utilization',
      action: 'trigger',
      occurredAt: '2023-08-01T10:10:00.000Z',
      labels: { InstanceId: 'i-0abc1234' },
      deliveryId: notification.MessageId,
    });
    expect(pathsOf(() => fromCloudWatchSnsMessage('not json', 'm'))).toEqual(['Message']);
  });
});
