/** A mail Opsdesk sends (notifications, acknowledgements). Headers carry threading and loop signals. */
export interface OutboundMail {
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Our own Message-ID, `<…@domain>`; threading replies back to the ticket relies on it. */
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** Automatic mail carries `Auto-Submitted: auto-replied` (RFC 3834) so other robots stay quiet. */
  readonly automatic: boolean;
  /** Extra headers (e.g. `X-Opsdesk-Ticket`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the recipient sees of a sent mail: SES replaces our Message-ID with one of its own. */
export interface SentMail {
  readonly headerMessageId: string;
}

/** Sends mail. AWS: SESv2; locally: the outbox behind `GET /_local/outbox`. */
export interface MailSender {
  /** Resolves with the Message-ID the mail went out with (void: the one it was given). */
  // biome-ignore lint/suspicious/noConfusingVoidType: senders that report nothing (test fakes) stay valid
  send(mail: OutboundMail): Promise<SentMail | void>;
}

/** Outgoing mail (notifications, acknowledgements). */
export interface MailDeps {
  readonly mail: MailSender;
}
