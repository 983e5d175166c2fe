import { sesMailSender } from '../email/mail/aws-mail.js';
import { awsTableDeps } from '../shared/wiring/aws.js';
import { createSlaSweepHandler } from './sweeper-handler.js';

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
