import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import { SesMailSender } from '../adapters/ses/ses-mail-sender.js';
import { type EmailSettings, supportAddress } from '../domain/email/settings.js';
import { systemClock } from '../ports/clock.js';
import { documentClient } from './aws.js';
import type { EmailDeps } from './email.js';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The gateway's settings, as lib/email.ts puts them in the environment (JSON). */
export function emailSettingsFromEnv(): EmailSettings {
  return JSON.parse(requiredEnv('EMAIL_SETTINGS')) as EmailSettings;
}

/** Dependencies of the ingest and notifier functions on AWS. */
export function awsEmailDeps(): EmailDeps {
  const settings = emailSettingsFromEnv();
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const s3 = new S3Client({});
  return {
    tableName: requiredEnv('TABLE_NAME'),
    dynamo: documentClient(new DynamoDBClient({})),
    clock: systemClock,
    settings,
    rawMail: new S3ObjectStore(s3, process.env.RAW_MAIL_BUCKET ?? ''),
    attachmentObjects: new S3ObjectStore(s3, requiredEnv('ATTACHMENTS_BUCKET')),
    mail: new SesMailSender(new SESv2Client({}), supportAddress(settings), region),
  };
}
