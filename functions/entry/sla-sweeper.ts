import { createSlaSweepHandler } from '../handlers/sla-sweeper.js';
import { awsTableDeps } from '../wiring/aws.js';
import { sesMailSender } from '../wiring/aws-mail.js';

const mailFrom = process.env.MAIL_FROM;

/** Runs on the EventBridge schedule (rate 1 minute). Without MAIL_FROM it records but does not mail. */
export const handler = createSlaSweepHandler({
  ...awsTableDeps(),
  mail: mailFrom
    ? sesMailSender(mailFrom)
    : {
        send: async () => Promise.reject(new Error('MAIL_FROM is not configured: SLA notifications are off')),
      },
  mailDomain: process.env.MAIL_DOMAIN ?? mailFrom?.split('@')[1] ?? 'opsdesk.invalid',
});
