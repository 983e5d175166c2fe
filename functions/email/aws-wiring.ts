import { awsTableDeps, requiredEnv } from '../shared/wiring/aws.js';
import type { EmailSettings } from './settings.js';
import type { EmailBaseDeps } from './wiring.js';

/** The gateway's settings, as lib/email.ts puts them in the environment (JSON). */
export function emailSettingsFromEnv(): EmailSettings {
  return JSON.parse(requiredEnv('EMAIL_SETTINGS')) as EmailSettings;
}

/** What both mail functions share on AWS: the table and the settings. */
export function awsEmailBaseDeps(): EmailBaseDeps {
  return { ...awsTableDeps(), settings: emailSettingsFromEnv() };
}
