import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../adapters/ses/ses-mail-sender.js';
import { supportAddress } from '../domain/email/settings.js';
import { createEmailNotifierHandler } from '../handlers/email-notifier.js';
import { awsEmailBaseDeps } from '../wiring/email-aws.js';
import { emailNotifier } from '../wiring/email-notifier.js';

const base = awsEmailBaseDeps();

export const handler = createEmailNotifierHandler(
  emailNotifier({
    ...base,
    mail: new SesMailSender(
      new SESv2Client({}),
      supportAddress(base.settings),
      process.env.AWS_REGION ?? 'us-east-1',
    ),
  }),
);
