import { Logger } from '@aws-lambda-powertools/logger';
import { sesMailSender } from '../../email/mail/aws-mail.js';
import type { MailSender } from '../../email/mail/mail-sender.js';
import { awsTableDeps } from '../../shared/wiring/aws.js';
import { createChangeTasksHandler } from './tasks-handler.js';

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
