import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import {
  assembleProblemEvents,
  createProblemEventsHandler,
  PROBLEM_EVENTS_ENVIRONMENT,
} from './events.function.js';

/** Invoked by the EventBridge rule on `Known Error Applied` and cascading problem resolutions (lib/problems.ts). */
export const handler = createProblemEventsHandler(
  assembleProblemEvents(awsTableDeps(parseEnvironment(PROBLEM_EVENTS_ENVIRONMENT))),
);
