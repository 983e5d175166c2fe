import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import {
  assembleReportsEvents,
  createReportsEventsHandler,
  REPORTS_EVENTS_ENVIRONMENT,
} from './events.function.js';

const environment = parseEnvironment(REPORTS_EVENTS_ENVIRONMENT);

/** An EventBridge rule target for survey events (lib/reports.ts). */
export const handler = createReportsEventsHandler(
  assembleReportsEvents(awsTableDeps(environment), environment.REPORTS_TIMEZONE),
);
