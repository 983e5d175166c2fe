import { Logger } from '@aws-lambda-powertools/logger';
import { createChangeTasksHandler } from '../handlers/change-tasks.js';
import type { MailSender } from '../ports/mail.js';
import { awsTableDeps } from '../wiring/aws.js';
import { sesMailSender } from '../wiring/aws-mail.js';

const logger = new Logger({ serviceName: 'opsdesk' });

/**
 * Notifications go out through SES once the stack names a sender (MAIL_FROM); until then the
 * workflow still emits its events and only logs the mail it would have sent.
 */
function mailSender(): MailSender {
  const from = process.env.MAIL_FROM;
  if (from) return sesMailSender(from);
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
export const handler = createChangeTasksHandler({ ...awsTableDeps(), mail: mailSender() });
