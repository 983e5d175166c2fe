import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  headerSafeMail,
  parsedMailbox,
  SENDER_WRITTEN_FIELDS,
  wireHeaderFields,
} from '../outbound-headers.js';
import type { MailSender, OutboundMail, SentMail } from './mail-sender.js';

/**
 * SESv2 simple send with custom headers (threading and RFC 3834 loop prevention).
 *
 * SES replaces any Message-ID we set with its own (`<id@<region>.amazonses.com>`, AWS "Amazon SES
 * header fields"), but keeps References: our Message-ID therefore also goes last in References
 * (so replies name it), and the id SES reports is returned for the caller to index as well.
 *
 * Every header value is encoded by `wireHeaderFields` (outbound-headers.ts): one line of printable
 * ASCII, non-ASCII as RFC 2047 encoded words, as SES requires of Subject and MessageHeader values;
 * so no stored text can inject a header. The body is text/plain only.
 */
export class SesMailSender implements MailSender {
  private readonly fromMailbox: string;

  constructor(
    private readonly client: SESv2Client,
    from: string,
    private readonly region: string,
    private readonly configurationSetName?: string,
  ) {
    const mailbox = parsedMailbox(from);
    if (!mailbox) throw new Error(`the sender ${JSON.stringify(from)} is not a valid mail address`);
    this.fromMailbox = mailbox;
  }

  async send(mail: OutboundMail): Promise<SentMail> {
    const references = [...(mail.references ?? []), mail.messageId];
    const fields = wireHeaderFields({ ...mail, references }, { from: this.fromMailbox });
    const safe = headerSafeMail(mail);
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromMailbox,
        Destination: {
          ToAddresses: [...safe.to],
          CcAddresses: safe.cc ? [...safe.cc] : undefined,
        },
        ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
        Content: {
          Simple: {
            Subject: { Data: fields.find((f) => f.name === 'Subject')!.value, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
            Headers: fields
              .filter((field) => !SENDER_WRITTEN_FIELDS.has(field.name.toLowerCase()))
              .map(({ name, value }) => ({ Name: name, Value: value })),
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
