import { awsEmailBaseDeps } from './aws-wiring.js';
import { sesMailSender } from './mail/aws-mail.js';
import { createEmailNotifierHandler } from './notifier-handler.js';
import { emailNotifier } from './notifier-wiring.js';
import { supportAddress } from './settings.js';

const base = awsEmailBaseDeps();

export const handler = createEmailNotifierHandler(
  emailNotifier({ ...base, mail: sesMailSender(supportAddress(base.settings)) }),
);
