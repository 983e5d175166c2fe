import { defineEnvironment, required } from '../shared/wiring/environment.js';
import type { InfoLog } from './ingest-handler.js';
import { createEmailNotifierHandler } from './notifier-handler.js';
import { emailNotifier } from './notifier-wiring.js';
import type { EmailNotifierDeps } from './wiring.js';

/** Mails what the events ask for (tickets, SLA notices, approvals), exactly once per event. */
export const EMAIL_NOTIFIER_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  /** The gateway's settings as JSON (lib/email.ts); the sender is its support address. */
  EMAIL_SETTINGS: required(),
});

export function assembleEmailNotifier(deps: EmailNotifierDeps, info?: InfoLog) {
  return createEmailNotifierHandler(emailNotifier(deps), info);
}
