import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BUSINESS_METRICS,
  type BusinessMetric,
  type BusinessMetricsRecorder,
  businessMetricOf,
  countBusinessMetrics,
} from '../../functions/shared/observability/business-metrics.js';
import { powertoolsBusinessMetrics } from '../../functions/shared/observability/powertools-recorder.js';
import type { DomainEvent, EventBus } from '../../functions/shared/outbox/event-bus.js';
import { createStreamPublisherHandler } from '../../functions/shared/outbox/stream-publisher.js';

// The functions' side of the business metrics the alarms and dashboard read (observability.test.ts):
// which events count, and the exact EMF the stream publisher writes.

const event = (detailType: string, detail: Record<string, unknown> = {}): DomainEvent => ({
  detailType,
  time: '2026-11-23T10:00:00.000Z',
  detail: { eventId: `e-${detailType}`, ...detail },
});

describe('business metrics of domain events', () => {
  it.each([
    ['Ticket Created', {}, 'TicketsCreated'],
    ['Ticket Status Changed', { to: 'resolved' }, 'TicketsResolved'],
    ['SLA Warning', {}, 'SlaWarnings'],
    ['SLA Breached', {}, 'SlaBreaches'],
    ['Change Submitted', {}, 'ChangesSubmitted'],
    ['Change Approved', {}, 'ChangesApproved'],
    ['Change Rejected', {}, 'ChangesRejected'],
    ['Change Approval Decided', { decision: 'approve' }, 'ApprovalsGranted'],
    ['Change Approval Decided', { decision: 'reject' }, 'ApprovalsRejected'],
    ['Change Approval Escalated', {}, 'ApprovalsEscalated'],
    ['Change Approval Expired', {}, 'ApprovalsExpired'],
  ] as const)('%s %j counts as %s', (detailType, detail, metric) => {
    expect(businessMetricOf(event(detailType, detail))).toBe(metric);
  });

  it('gives every metric a source event', () => {
    const counted = new Set(
      [
        event('Ticket Created'),
        event('Ticket Status Changed', { to: 'resolved' }),
        event('SLA Warning'),
        event('SLA Breached'),
        event('Change Submitted'),
        event('Change Approved'),
        event('Change Rejected'),
        event('Change Approval Decided', { decision: 'approve' }),
        event('Change Approval Decided', { decision: 'reject' }),
        event('Change Approval Escalated'),
        event('Change Approval Expired'),
      ].map(businessMetricOf),
    );
    expect([...counted].sort()).toEqual([...BUSINESS_METRICS].sort());
  });

  it.each([
    ['Ticket Updated', {}],
    ['Comment Added', {}],
    ['Ticket Status Changed', { to: 'in_progress' }],
    ['Change Approval Decided', { decision: 'abstain' }],
    ['Change Assessed', {}],
  ])('does not count %s %j', (detailType, detail) => {
    expect(businessMetricOf(event(detailType, detail))).toBeUndefined();
  });

  it('adds up a batch per metric', () => {
    const counts = countBusinessMetrics([
      event('Ticket Created'),
      event('Comment Added'),
      event('Ticket Created'),
      event('SLA Breached'),
    ]);
    expect(Object.fromEntries(counts)).toEqual({ TicketsCreated: 2, SlaBreaches: 1 });
  });
});

describe('Powertools recorder', () => {
  afterEach(() => vi.restoreAllMocks());

  function capturedEmf(write: () => void): Record<string, unknown>[] {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    write();
    vi.restoreAllMocks();
    return lines.flatMap((line) => line.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
  }

  it('writes one EMF line in namespace Opsdesk with the service and stage dimensions the alarms use', () => {
    const recorder = powertoolsBusinessMetrics('prod');
    const [emf, ...more] = capturedEmf(() => {
      recorder.record([event('SLA Breached'), event('SLA Breached'), event('Ticket Created')]);
      recorder.flush();
    });
    expect(more).toEqual([]);
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Opsdesk',
            Dimensions: [['service', 'stage']],
            Metrics: expect.arrayContaining([
              { Name: 'SlaBreaches', Unit: 'Count' },
              { Name: 'TicketsCreated', Unit: 'Count' },
            ]),
          },
        ],
      },
      service: 'opsdesk',
      stage: 'prod',
      SlaBreaches: 2,
      TicketsCreated: 1,
    });
  });

  it('writes nothing for a batch without business events', () => {
    const recorder = powertoolsBusinessMetrics('prod');
    expect(
      capturedEmf(() => {
        recorder.record([event('Comment Added')]);
        recorder.flush();
      }),
    ).toEqual([]);
  });
});

describe('stream publisher counting', () => {
  const historyRecord = (sequence: string, detailType: string) => ({
    eventID: sequence,
    eventName: 'INSERT' as const,
    dynamodb: {
      SequenceNumber: sequence,
      NewImage: {
        PK: { S: 'TICKET#INC-000001' },
        SK: { S: `HISTORY#2026-11-23T10:00:00.000Z#${sequence}` },
        id: { S: `h${sequence}` },
        recordId: { S: 'INC-000001' },
        at: { S: '2026-11-23T10:00:00.000Z' },
        actor: { M: { id: { S: 'ann' } } },
        events: { L: [{ M: { detailType: { S: detailType }, detail: { M: {} } } }] },
      },
    },
  });

  function recorder() {
    const recorded: BusinessMetric[] = [];
    let flushes = 0;
    const metrics: BusinessMetricsRecorder = {
      record: (events) => {
        for (const e of events) {
          const metric = businessMetricOf(e);
          if (metric) recorded.push(metric);
        }
      },
      flush: () => {
        flushes += 1;
      },
    };
    return { metrics, recorded, flushes: () => flushes };
  }

  it('counts the events it published, and flushes once per batch', async () => {
    const bus: EventBus = { publish: async () => {} };
    const { metrics, recorded, flushes } = recorder();
    const handler = createStreamPublisherHandler({ bus, metrics });
    await handler({
      Records: [historyRecord('1', 'Ticket Created'), historyRecord('2', 'SLA Breached')],
    } as DynamoDBStreamEvent);
    expect(recorded).toEqual(['TicketsCreated', 'SlaBreaches']);
    expect(flushes()).toBe(1);
  });

  it('does not count what failed to publish (the stream redelivers it)', async () => {
    const bus: EventBus = {
      publish: async (events) => {
        if (events[0]?.detailType === 'SLA Breached') throw new Error('EventBridge unavailable');
      },
    };
    const { metrics, recorded, flushes } = recorder();
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT'); // the publisher logs the failure; not news here
    const handler = createStreamPublisherHandler({ bus, metrics });
    vi.unstubAllEnvs();
    const result = await handler({
      Records: [historyRecord('1', 'Ticket Created'), historyRecord('2', 'SLA Breached')],
    } as DynamoDBStreamEvent);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(recorded).toEqual(['TicketsCreated']);
    expect(flushes()).toBe(1);
  });
});
