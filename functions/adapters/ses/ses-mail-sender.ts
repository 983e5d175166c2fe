import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailSender, OutboundMail } from '../../ports/mail.js';

/** SESv2 simple send with custom headers (threading and RFC 3834 loop prevention). */
export class SesMailSender implements MailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(mail: OutboundMail): Promise<void> {
    const headers: Record<string, string> = {
      ...(mail.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {}),
      ...(mail.inReplyTo ? { 'In-Reply-To': mail.inReplyTo } : {}),
      ...(mail.references?.length ? { References: mail.references.join(' ') } : {}),
      'X-Opsdesk-Message-Id': mail.messageId,
      ...mail.headers,
    };
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [...mail.to], CcAddresses: mail.cc ? [...mail.cc] : undefined },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
            Headers: Object.entries(headers).map(([Name, Value]) => ({ Name, Value })),
          },
        },
      }),
    );
  }
}
