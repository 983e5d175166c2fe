import type { OutboundMail } from './mail/mail-sender.js';
import { singleLine } from './outbound-headers.js';
import { type EmailSettings, supportAddress } from './settings.js';

/**
 * Notices to the sender of a mail that opened nothing (docs/email.md#what-one-mail-does): so far
 * one, "your message was too large". Automatic mail like an acknowledgement (Auto-Submitted,
 * X-Loop, within the per-recipient limit), threaded onto the refused mail, with a Message-ID of
 * ours derived from the notice, so a repeated send is the same mail.
 */
export interface TooLargeNotice {
  readonly eventId: string;
  readonly to: string;
  readonly subject: string;
  readonly inReplyTo: string | null;
  readonly size: number;
  readonly limit: number;
}

/** The notice's fields from its event detail, or undefined when they are not all there. */
export function tooLargeNoticeOf(detail: Record<string, unknown>): TooLargeNotice | undefined {
  const { eventId, to, subject, inReplyTo, size, limit } = detail;
  if (typeof eventId !== 'string' || typeof to !== 'string') return undefined;
  if (typeof size !== 'number' || typeof limit !== 'number') return undefined;
  return {
    eventId,
    to,
    subject: typeof subject === 'string' ? subject : '',
    inReplyTo: typeof inReplyTo === 'string' ? inReplyTo : null,
    size,
    limit,
  };
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export function tooLargeNoticeMail(notice: TooLargeNotice, settings: EmailSettings): OutboundMail {
  const subject = Array.from(singleLine(notice.subject)).slice(0, 160).join('');
  const support = supportAddress(settings);
  return {
    to: [notice.to],
    subject: subject ? `Message too large: ${subject}` : 'Message too large',
    text: [
      'Hello,',
      '',
      `your message${subject ? ` "${subject}"` : ''} to ${support} was not received: it is ${megabytes(notice.size)},`,
      `and messages to the service desk may be at most ${megabytes(notice.limit)}, attachments included`,
      '(attachments grow by about a third on the way).',
      '',
      'Please send it again without the large attachments: share them as a link, or send them in',
      'several smaller messages.',
      '',
      '-- ',
      `Opsdesk service desk <${support}>`,
    ].join('\n'),
    messageId: `<opsdesk.${notice.eventId}@${settings.domain}>`,
    ...(notice.inReplyTo ? { inReplyTo: notice.inReplyTo, references: [notice.inReplyTo] } : {}),
    automatic: true,
    headers: {
      // Our own loop marker: a mail carrying it that comes back in is dropped (classify.ts).
      'X-Loop': support,
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
    },
  };
}
