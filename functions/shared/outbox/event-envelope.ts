import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from './event-bus.js';

/** The envelope an EventBridge rule hands a target, for a domain event delivered without AWS (locally, in tests). */
export function eventBridgeEnvelope(event: DomainEvent): EventBridgeEvent<string, DomainEvent['detail']> {
  return {
    version: '0',
    id: event.detail.eventId,
    'detail-type': event.detailType,
    source: 'opsdesk',
    account: 'local',
    time: event.time,
    region: 'local',
    resources: [],
    detail: event.detail,
  };
}
