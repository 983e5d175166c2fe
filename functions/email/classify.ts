import { normaliseAddress } from './address-forms.js';
import { messageIdDomain } from './message-ids.js';
import { headerValues, type ParsedMail } from './model.js';

/**
 * The machine-mail classifier: the signals of docs/email.md#machine-mail-classifyts, any one enough, as one function. The rules are
 * those of RT, Zammad, ServiceNow and JSM (docs/email.md#machine-mail-classifyts), sorted into what each
 * kind of mail may do:
 *
 * | kind         | opens a ticket                   | threaded onto a ticket      | answered |
 * | ------------ | -------------------------------- | --------------------------- | -------- |
 * | `human`      | yes                              | comment                     | yes      |
 * | `bulk`       | only from an allowlisted sender  | comment (allowlisted only)  | never    |
 * | `auto-reply` | never                            | internal note               | never    |
 * | `bounce`     | never                            | internal note               | never    |
 * | `loop`       | never (our own mail came back)   | nothing                     | never    |
 *
 * When several kinds match, the strongest wins: loop, bounce, auto-reply, bulk.
 */
export type MailKind = 'human' | 'bulk' | 'auto-reply' | 'bounce' | 'loop';

export interface Classification {
  readonly kind: MailKind;
  /** Every signal that matched, e.g. `auto-submitted: auto-replied` (for the record and the logs). */
  readonly reasons: readonly string[];
}

export interface ClassifierContext {
  /** Domains our Message-IDs use (the stack's email domain). */
  readonly ownDomains: readonly string[];
  /** Our own addresses (support addresses): mail from them is our mail coming back. */
  readonly ownAddresses: readonly string[];
  /**
   * Count a no-reply sender (`noreply@`, `do-not-reply@`…) as bulk by that alone. Off by default:
   * not a rule of the product contract (EmailSettings.noReplySendersAreMachines).
   */
  readonly noReplySendersAreMachines?: boolean;
}

type MailFacts = Pick<
  ParsedMail,
  'headers' | 'from' | 'subject' | 'contentType' | 'reportType' | 'messageId' | 'attachments'
>;

const SYSTEM_SENDERS = /^(mailer-daemon|postmaster|post_master|mail-daemon|mailerdaemon)$/i;
/** Senders that say they read nothing: machine mail by that alone only where configured (ClassifierContext). */
const NO_REPLY_SENDERS = /^(no-?reply|do-?not-?reply|donotreply|no_reply)([+._-].*)?$/i;

/** Subject forms of delivery failures (ServiceNow's ignore_subjects and what the sisimai corpus shows). */
const BOUNCE_SUBJECT =
  /^(?:(?:fwd?|aw|re|wg)\s*:\s*)*(?:undeliver(?:able|ed)\b|undelivered mail|returned mail\b|return(?:ed)? to sender|delivery (?:status notification|failure|failed|has failed|notification|report|problem)|mail delivery (?:failed|failure|system|subsystem|problem)|failure notice|non[- ]?deliver(?:y|able)|message (?:not delivered|delivery failure|could not be delivered)|could not send message|warning: could not send|mail system error|nicht zustellbar|unzustellbar|unzustellbare nachricht|(?:nichtzustellbarkeits|zustell)bericht|non remis|non distribuable|échec de (?:la )?remise|delivery notification|dsn:|sender address rejected|permanent (?:delivery )?failure|mail could not be delivered|your message (?:could not|was not|wasn't) (?:be )?delivered|rejected:|complaint about message)/i;

/** Subject forms of out-of-office and vacation replies (Exchange, Gmail, Zimbra, Notes, in several languages). */
const AUTO_REPLY_SUBJECT =
  /^(?:(?:re|aw)\s*:\s*)*(?:auto(?:matic)?[ -]?(?:reply|response|respond|antwort|svar|risposta)\b|autoreply|auto:|out of (?:the )?office|ooo\b|abwesenheit|abwesend|automatische antwort|abwesenheitsnotiz|réponse automatique|absence du bureau|respuesta automática|fuera de la oficina|vacation (?:reply|response|notice|message)|on vacation|away from (?:the )?office|i am (?:currently )?(?:out|away)|(?:an|out of) office|afwezig|automatisch antwoord|risposta automatica)/i;

export function classifyMail(mail: MailFacts, context: ClassifierContext): Classification {
  const signals = {
    loop: [] as string[],
    bounce: [] as string[],
    autoReply: [] as string[],
    bulk: [] as string[],
  };
  const header = (key: string) => headerValues(mail, key);
  const ownDomains = context.ownDomains.map((domain) => domain.toLowerCase());
  const ownAddresses = new Set(context.ownAddresses.map(normaliseAddress));

  // Our own mail coming back: a Message-ID of our domain, our loop marker, or our own address as sender.
  if (
    mail.messageId &&
    ownDomains.some((domain) => isSameOrSubdomain(messageIdDomain(mail.messageId!), domain))
  ) {
    signals.loop.push(`message-id of this stack (${mail.messageId})`);
  }
  for (const value of header('x-loop')) {
    const mentionsUs =
      [...ownAddresses].some((address) => value.toLowerCase().includes(address)) ||
      ownDomains.some((domain) => value.toLowerCase().includes(domain));
    if (mentionsUs) signals.loop.push(`x-loop: ${value}`);
    else signals.bulk.push(`x-loop: ${value}`);
  }
  if (header('x-opsdesk-ticket').length > 0) signals.loop.push('x-opsdesk-ticket header');
  if (mail.from && ownAddresses.has(normaliseAddress(mail.from.address))) {
    signals.loop.push(`sent from our own address ${mail.from.address}`);
  }

  // Delivery reports and bounces.
  if (mail.contentType === 'multipart/report') {
    signals.bounce.push(`multipart/report${mail.reportType ? `; report-type=${mail.reportType}` : ''}`);
  }
  if (
    mail.attachments.some((part) =>
      /^message\/(delivery-status|global-delivery-status|disposition-notification|feedback-report)$/.test(
        part.contentType,
      ),
    )
  ) {
    signals.bounce.push('delivery-status or feedback-report part');
  }
  for (const value of header('return-path')) {
    if (/^\s*<\s*>\s*$/.test(value) || value.trim() === '') signals.bounce.push('empty return-path (<>)');
  }
  const localPart = mail.from?.address.split('@')[0] ?? '';
  if (!mail.from) signals.bounce.push('no sender');
  else if (SYSTEM_SENDERS.test(localPart)) signals.bounce.push(`sender ${mail.from.address}`);
  if (BOUNCE_SUBJECT.test(mail.subject.trim())) signals.bounce.push(`subject "${mail.subject.slice(0, 80)}"`);

  // Auto-replies (RFC 3834 and the vendor headers before it).
  for (const value of header('auto-submitted')) {
    const token = value.split(';')[0]!.trim().toLowerCase();
    if (token === 'no' || token === '') continue;
    if (token === 'auto-replied' || token === 'vacation') signals.autoReply.push(`auto-submitted: ${token}`);
    else signals.bulk.push(`auto-submitted: ${token}`);
  }
  for (const key of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-ms-exchange-inbox-rules-loop']) {
    if (header(key).length > 0) signals.autoReply.push(key);
  }
  if (AUTO_REPLY_SUBJECT.test(mail.subject.trim()))
    signals.autoReply.push(`subject "${mail.subject.slice(0, 80)}"`);

  // Bulk and machine-generated mail.
  for (const value of header('precedence')) {
    if (/^\s*(bulk|junk|list)/i.test(value)) signals.bulk.push(`precedence: ${value.trim()}`);
  }
  if (header('list-unsubscribe').length > 0) signals.bulk.push('list-unsubscribe');
  // Mailing-list software (RFC 2919 List-Id, fml, Mailman): list traffic, not a person writing to us.
  for (const key of ['list-id', 'x-mlserver', 'x-ml-name', 'x-mailman-version']) {
    if (header(key).length > 0) signals.bulk.push(key);
  }
  if (context.noReplySendersAreMachines && NO_REPLY_SENDERS.test(localPart)) {
    signals.bulk.push(`no-reply sender ${mail.from?.address}`);
  }
  for (const value of header('x-auto-response-suppress'))
    signals.bulk.push(`x-auto-response-suppress: ${value}`);
  for (const value of header('x-fc-machinegenerated')) {
    if (/true/i.test(value)) signals.bulk.push('x-fc-machinegenerated: true');
  }

  const reasons = [...signals.loop, ...signals.bounce, ...signals.autoReply, ...signals.bulk];
  if (signals.loop.length > 0) return { kind: 'loop', reasons };
  if (signals.bounce.length > 0) return { kind: 'bounce', reasons };
  if (signals.autoReply.length > 0) return { kind: 'auto-reply', reasons };
  if (signals.bulk.length > 0) return { kind: 'bulk', reasons };
  return { kind: 'human', reasons };
}

function isSameOrSubdomain(domain: string, own: string): boolean {
  return domain === own || domain.endsWith(`.${own}`);
}

/** Whether a kind of mail may ever receive an automatic answer from us. */
export function isAnswerable(kind: MailKind): boolean {
  return kind === 'human';
}
