import { sesMailSender } from '../email/mail/aws-mail.js';
import { supportAddress } from '../email/settings.js';
import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import {
  assembleCsatEvents,
  CSAT_EVENTS_ENVIRONMENT,
  createCsatEventsHandler,
  csatMailSettingsFrom,
} from './events.function.js';

const environment = parseEnvironment(CSAT_EVENTS_ENVIRONMENT);
const settings = csatMailSettingsFrom(environment.EMAIL_SETTINGS);

/** Invoked by lib/csat.ts's rules: resolutions and reopens from the bus, and the timers every minute. */
export const handler = createCsatEventsHandler(
  assembleCsatEvents({
    ...awsTableDeps(environment),
    apiBaseUrl: () => environment.API_BASE_URL,
    ...(settings ? { mail: { sender: sesMailSender(supportAddress(settings)), settings } } : {}),
  }),
);
