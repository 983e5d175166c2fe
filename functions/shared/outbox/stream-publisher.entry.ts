import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { powertoolsBusinessMetrics } from '../observability/powertools-recorder.js';
import { EventBridgeBus } from './event-bridge-bus.js';
import { createStreamPublisherHandler } from './stream-publisher.js';

const busName = process.env.EVENT_BUS_NAME;
if (!busName) throw new Error('environment variable EVENT_BUS_NAME is not set');
// The alarms read business metrics of this stage: a missing stage would count where nobody looks.
const stage = process.env.OPSDESK_STAGE;
if (!stage) throw new Error('environment variable OPSDESK_STAGE is not set');

export const handler = createStreamPublisherHandler({
  bus: new EventBridgeBus(new EventBridgeClient({}), busName),
  metrics: powertoolsBusinessMetrics(stage),
});
