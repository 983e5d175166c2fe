import { defineEnvironment, required } from '../shared/wiring/environment.js';
import { createEmailIngestHandler, type InfoLog } from './ingest-handler.js';
import { type EmailIngestDeps, emailIngest } from './wiring.js';

/** The raw-mail bucket's trigger: stored mail in, tickets and comments out. */
export const EMAIL_INGEST_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  /** The gateway's settings as JSON (lib/email.ts). */
  EMAIL_SETTINGS: required(),
  RAW_MAIL_BUCKET: required(),
  ATTACHMENTS_BUCKET: required(),
});

export function assembleEmailIngest(deps: EmailIngestDeps, info?: InfoLog) {
  return createEmailIngestHandler(emailIngest(deps), info);
}
