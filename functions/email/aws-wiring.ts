import { awsTableDeps } from '../shared/wiring/aws.js';
import { defaultEmailSettings, type EmailSettings } from './settings.js';
import type { EmailBaseDeps } from './wiring.js';

/** The gateway's settings, as lib/email.ts puts them in the environment (JSON); defaults fill what is absent. */
export function emailSettingsFrom(json: string): EmailSettings {
  try {
    const settings = JSON.parse(json) as Partial<EmailSettings> & Pick<EmailSettings, 'domain'>;
    return { ...defaultEmailSettings(settings.domain), ...settings };
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
