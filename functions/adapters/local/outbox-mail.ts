import type { MailSender, OutboundMail, SentMail } from '../../ports/mail.js';

/** Local mail: kept in memory (bounded) for `GET /_local/outbox` instead of being sent. */
export class OutboxMailSender implements MailSender {
  constructor(
    private readonly outbox: OutboundMail[],
    private readonly clock: { now(): Date },
    private readonly limit = 10_000,
  ) {}

  async send(mail: OutboundMail): Promise<SentMail> {
    this.outbox.push({ ...mail, headers: { ...mail.headers, Date: this.clock.now().toUTCString() } });
    if (this.outbox.length > this.limit) this.outbox.splice(0, this.outbox.length - this.limit);
    return { headerMessageId: mail.messageId };
  }
}
