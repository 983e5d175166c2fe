import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailSender, OutboundMail, SentMail } from '../../ports/mail.js';

/**
 * SESv2 simple send with custom headers (threading and RFC 3834 loop prevention).
 *
 * SES replaces any Message-ID we set with its own (`<id@<region>.amazonses.com>`, AWS "Amazon SES
 * header fields"), but keeps References: our Message-ID therefore also goes last in References
 * (so replies name it), and the id SES reports is returned for the caller to index as well.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly region: string,
    private readonly configurationSetName?: string,
  ) {}

  async send(mail: OutboundMail): Promise<SentMail> {
    const references = [...(mail.references ?? []), mail.messageId];
    const headers: Record<string, string> = {
      ...(mail.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {}),
      ...(mail.inReplyTo ? { 'In-Reply-To': mail.inReplyTo } : {}),
      References: [...new Set(references)].join(' '),
      ...mail.headers,
    };
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [...mail.to], CcAddresses: mail.cc ? [...mail.cc] : undefined },
        ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
            Headers: Object.entries(headers).map(([Name, Value]) => ({ Name, Value })),
          },
        },
      }),
    );
    return {
      headerMessageId: out.MessageId ? sesHeaderMessageId(out.MessageId, this.region) : mail.messageId,
    };
  }
}

/** The Message-ID header SES gives a mail it sent with this id. */
export function sesHeaderMessageId(messageId: string, region: string): string {
  return `<${messageId}@${region === 'us-east-1' ? 'email' : region}.amazonses.com>`;
}
