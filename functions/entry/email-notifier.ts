import { createEmailNotifierHandler } from '../handlers/email-notifier.js';
import { awsEmailDeps } from '../wiring/email-aws.js';
import { emailNotifier } from '../wiring/email-notifier.js';

export const handler = createEmailNotifierHandler(emailNotifier(awsEmailDeps()));
