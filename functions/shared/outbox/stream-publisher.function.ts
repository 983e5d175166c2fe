import type { BusinessMetricsRecorder } from '../observability/business-metrics.js';
import { defineEnvironment, required } from '../wiring/environment.js';
import type { EventBus } from './event-bus.js';
import { createStreamPublisherHandler } from './stream-publisher.js';

/**
 * The outbox publisher: the table's stream in, the event bus out. OPSDESK_STAGE names the metric
 * dimension the alarms read: a missing stage would count where nobody looks.
 */
export const STREAM_PUBLISHER_ENVIRONMENT = defineEnvironment({
  EVENT_BUS_NAME: required(),
  OPSDESK_STAGE: required(),
});

export function assembleStreamPublisher(deps: { bus: EventBus; metrics?: BusinessMetricsRecorder }) {
  return createStreamPublisherHandler(deps);
}
