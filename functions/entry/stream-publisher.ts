import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeBus } from '../adapters/eventbridge/event-bridge-bus.js';
import { createStreamPublisherHandler } from '../handlers/stream-publisher.js';

const busName = process.env.EVENT_BUS_NAME;
if (!busName) throw new Error('environment variable EVENT_BUS_NAME is not set');

export const handler = createStreamPublisherHandler({
  bus: new EventBridgeBus(new EventBridgeClient({}), busName),
});
