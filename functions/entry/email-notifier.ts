import { supportAddress } from '../domain/email/settings.js';
import { createEmailNotifierHandler } from '../handlers/email-notifier.js';
import { sesMailSender } from '../wiring/aws-mail.js';
import { awsEmailBaseDeps } from '../wiring/email-aws.js';
import { emailNotifier } from '../wiring/email-notifier.js';

const base = awsEmailBaseDeps();

export const handler = createEmailNotifierHandler(
  emailNotifier({ ...base, mail: sesMailSender(supportAddress(base.settings)) }),
);
