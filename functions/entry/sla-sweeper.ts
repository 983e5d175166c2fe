import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../adapters/ses/ses-mail-sender.js';
import { createSlaSweepHandler } from '../handlers/sla-sweeper.js';
import { systemClock } from '../ports/clock.js';
import { documentClient } from '../wiring/aws.js';

const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('environment variable TABLE_NAME is not set');
const mailFrom = process.env.MAIL_FROM;

/** Runs on the EventBridge schedule (rate 1 minute). Without MAIL_FROM it records but does not mail. */
export const handler = createSlaSweepHandler({
  tableName,
  dynamo: documentClient(new DynamoDBClient({})),
  clock: systemClock,
  mail: mailFrom
    ? new SesMailSender(new SESv2Client({}), mailFrom, process.env.AWS_REGION ?? 'us-east-1')
    : {
        send: async () => Promise.reject(new Error('MAIL_FROM is not configured: SLA notifications are off')),
      },
  mailDomain: process.env.MAIL_DOMAIN ?? mailFrom?.split('@')[1] ?? 'opsdesk.invalid',
});
