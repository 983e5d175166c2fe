import { awsTableDeps } from '../shared/wiring/aws.js';
import type { EmailSettings } from './settings.js';
import type { EmailBaseDeps } from './wiring.js';

/** The gateway's settings, as lib/email.ts puts them in the environment (JSON). */
export function emailSettingsFrom(json: string): EmailSettings {
  try {
    return JSON.parse(json) as EmailSettings;
  } catch (error) {
    throw new Error(`environment: EMAIL_SETTINGS is not JSON (${(error as Error).message})`);
  }
}

/** What both mail functions share on AWS: the table and the settings. */
export function awsEmailBaseDeps(env: {
  readonly TABLE_NAME: string;
  readonly EMAIL_SETTINGS: string;
}): EmailBaseDeps {
  return { ...awsTableDeps(env), settings: emailSettingsFrom(env.EMAIL_SETTINGS) };
}
