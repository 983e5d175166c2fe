import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailSender } from './mail-sender.js';
import { SesMailSender } from './ses-mail-sender.js';

/** Mail through SES from `from`, in the function's own region (SES's Message-ID names it). */
export function sesMailSender(from: string): MailSender {
  return new SesMailSender(new SESv2Client({}), from, process.env.AWS_REGION ?? 'us-east-1');
}
