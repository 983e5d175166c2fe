import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../adapters/ses/ses-mail-sender.js';
import { createChangeTasksHandler } from '../handlers/change-tasks.js';
import { systemClock } from '../ports/clock.js';
import type { MailSender } from '../ports/mail.js';
import { documentClient } from '../wiring/aws.js';

const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('environment variable TABLE_NAME is not set');
const logger = new Logger({ serviceName: 'opsdesk' });

/**
 * Notifications go out through SES once the stack names a sender (MAIL_FROM); until then the
 * workflow still emits its events and only logs the mail it would have sent.
 */
function mailSender(): MailSender {
  const from = process.env.MAIL_FROM;
  if (from) return new SesMailSender(new SESv2Client({}), from, process.env.AWS_REGION ?? '');
  return {
    send: async (mail) => {
      logger.warn('MAIL_FROM is not set: change notification not sent', {
        to: mail.to,
        subject: mail.subject,
      });
    },
  };
}

/** The change workflow's task function (every task state of the state machine invokes it). */
export const handler = createChangeTasksHandler({
  tableName,
  dynamo: documentClient(new DynamoDBClient({})),
  clock: systemClock,
  mail: mailSender(),
});
