import { headerSafeMail } from '../outbound-headers.js';
import type { MailSender, OutboundMail, SentMail } from './mail-sender.js';

/**
 * Local mail: kept in memory (bounded) for `GET /_local/outbox` instead of being sent. Kept as SES
 * would be given it (outbound-headers.ts): header values on one line, invalid recipients, ids and
 * header names dropped; readable, not encoded.
 */
export class OutboxMailSender implements MailSender {
  constructor(
    private readonly outbox: OutboundMail[],
    private readonly clock: { now(): Date },
    private readonly limit = 10_000,
  ) {}

  async send(mail: OutboundMail): Promise<SentMail> {
    const safe = headerSafeMail(mail);
    this.outbox.push({ ...safe, headers: { ...safe.headers, Date: this.clock.now().toUTCString() } });
    if (this.outbox.length > this.limit) this.outbox.splice(0, this.outbox.length - this.limit);
    return { headerMessageId: safe.messageId };
  }
}
