import { acceptsAutomaticMail } from '../email/address-forms.js';
import type { MailSender, OutboundMail } from '../email/mail/mail-sender.js';
import { boundedReferences, ticketRootMessageId } from '../email/outbound.js';
import { singleLine } from '../email/outbound-headers.js';
import { isListed } from '../email/sender-policy.js';
import { type EmailSettings, supportAddress } from '../email/settings.js';
import type { MailThreadStore } from '../email/store/ports.js';
import type { Ticket } from '../tickets/model.js';
import type { Survey } from './model.js';
import type { SurveyMailer } from './survey-mailer.js';

/**
 * The survey mail (docs/csat.md#mail), its own message in the ticket's conversation: the ticket id
 * in the subject, a Message-ID of ours, In-Reply-To the last mail we received and References with
 * the ticket's root id, and the automatic-mail headers of §7 (`Auto-Submitted: auto-generated`: it
 * answers no message). Headers take the title through one line (the senders fold control
 * characters too); the body is plain text, one link per rating that only pre-selects it.
 */
export class MailSurveyMailer implements SurveyMailer {
  constructor(
    private readonly mail: MailSender,
    private readonly threads: Pick<MailThreadStore, 'get'>,
    private readonly settings: EmailSettings,
    /** `<API base URL>` (a trailing slash is dropped). */
    private readonly apiBaseUrl: () => string,
  ) {}

  async send(input: { ticket: Ticket; survey: Survey; token: string }): Promise<'mailed' | 'not-mailed'> {
    const address = input.ticket.requester.email;
    if (!address || !acceptsAutomaticMail(address) || isListed(address, this.settings.machineSenders)) {
      return 'not-mailed';
    }
    const thread = await this.threads.get(input.ticket.id);
    await this.mail.send(
      surveyMail({
        ...input,
        to: address,
        settings: this.settings,
        link: `${this.apiBaseUrl().replace(/\/+$/, '')}/surveys/${input.token}`,
        thread: { lastInboundMessageId: thread?.lastInboundMessageId, messageIds: thread?.messageIds ?? [] },
      }),
    );
    return 'mailed';
  }
}

export function surveyMail(input: {
  readonly ticket: Pick<Ticket, 'id' | 'title' | 'requester'>;
  readonly survey: Pick<Survey, 'question' | 'expiresAt' | 'sentAt'>;
  readonly to: string;
  readonly link: string;
  readonly settings: EmailSettings;
  readonly thread: { lastInboundMessageId: string | undefined; messageIds: readonly string[] };
}): OutboundMail {
  const { ticket, survey, settings } = input;
  const title = Array.from(singleLine(ticket.title)).slice(0, 160).join('');
  const root = ticketRootMessageId(ticket.id, settings.domain);
  const inReplyTo = input.thread.lastInboundMessageId;
  const stamp = Date.parse(survey.sentAt ?? survey.expiresAt).toString(36);
  const ratings = [5, 4, 3, 2, 1].map((rating) => `  ${rating}: ${input.link}?rating=${rating}`);
  return {
    to: [input.to],
    subject: `[${ticket.id}] How did we do? ${title}`,
    text: [
      ticket.requester.name ? `Hello ${singleLine(ticket.requester.name)},` : 'Hello,',
      '',
      `ticket ${ticket.id} ("${title}") has been resolved.`,
      singleLine(survey.question),
      '',
      `Answer here (one click opens the form; nothing is recorded until you send it):`,
      input.link,
      '',
      'Or pick a rating (5 = very satisfied, 1 = very dissatisfied):',
      ...ratings,
      '',
      `The link works until ${survey.expiresAt.slice(0, 10)} and takes one answer.`,
      '',
      '-- ',
      `Opsdesk service desk <${supportAddress(settings)}>`,
    ].join('\n'),
    messageId: `<csat.${stamp}.${ticket.id}@${settings.domain}>`,
    ...(inReplyTo ? { inReplyTo } : {}),
    references: boundedReferences([root, ...input.thread.messageIds, ...(inReplyTo ? [inReplyTo] : [])]),
    automatic: true,
    headers: {
      'X-Opsdesk-Ticket': ticket.id,
      'X-Loop': supportAddress(settings),
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
  };
}
