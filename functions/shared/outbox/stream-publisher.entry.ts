import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { powertoolsBusinessMetrics } from '../observability/powertools-recorder.js';
import { parseEnvironment } from '../wiring/environment.js';
import { EventBridgeBus } from './event-bridge-bus.js';
import { assembleStreamPublisher, STREAM_PUBLISHER_ENVIRONMENT } from './stream-publisher.function.js';

const env = parseEnvironment(STREAM_PUBLISHER_ENVIRONMENT);

export const handler = assembleStreamPublisher({
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  metrics: powertoolsBusinessMetrics(env.OPSDESK_STAGE),
});
