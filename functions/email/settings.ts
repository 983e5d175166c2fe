import { DEFAULT_TICKET_GROUP } from '../groups/model.js';
import type { TicketType } from '../tickets/model.js';
import type { Level } from '../tickets/priority.js';
import { normaliseAddress } from './address-forms.js';
import { AUTO_REPLIES_PER_HOUR, MAX_MAIL_BYTES } from './constants.js';

/** How this stack's mail gateway behaves; the same shape locally and on AWS (`EMAIL_SETTINGS`). */
export interface EmailSettings {
  /** The domain our Message-IDs and addresses use. */
  readonly domain: string;
  /** Where tickets are mailed to, with the ticket type each address opens. The first is the From of our mail. */
  readonly addresses: readonly { readonly address: string; readonly type: TicketType }[];
  /** Senders whose machine mail (monitoring alerts) may open tickets: addresses or domains. */
  readonly machineSenders: readonly string[];
  readonly allowSenders: readonly string[];
  readonly denySenders: readonly string[];
  /** docs/email.md#what-one-mail-does: mail over 10 MB is refused. */
  readonly maxMailBytes: number;
  /** docs/email.md#outbound-mail: at most this many automatic mails per recipient per hour. */
  readonly autoRepliesPerHour: number;
  /**
   * Whether mail from no-reply addresses counts as machine mail by that alone (docs/email.md#machine-mail-classifyts):
   * off unless set (the product contract does not list the rule; an order confirmation from
   * noreply@ is a request like any other). No-reply senders are never answered either way.
   */
  readonly noReplySendersAreMachines?: boolean;
  /** What a ticket opened by mail starts with (docs/email.md#configuration). */
  readonly ticketDefaults: EmailTicketDefaults;
  /**
   * Where staff notices (SLA warnings and breaches, approval notices) go when neither the assignee
   * nor the group has an address (docs/sla.md#the-sweeper); null: nowhere, and the sweep reports them.
   */
  readonly fallbackAddress: string | null;
}

export interface EmailTicketDefaults {
  readonly impact: Level;
  readonly urgency: Level;
  /** The group a mailed ticket goes to, when it exists; null: unrouted. */
  readonly group: string | null;
}

/**
 * Impact 3 × urgency 2: priority 4, which the seeded policies give an SLA (8 business hours to first
 * response), unlike the API's 3 × 3 = P5; a monitoring alert or an urgent mail is raised by an agent.
 */
export const EMAIL_TICKET_DEFAULTS: EmailTicketDefaults = {
  impact: 3,
  urgency: 2,
  group: DEFAULT_TICKET_GROUP,
};

export function defaultEmailSettings(domain: string): EmailSettings {
  return {
    domain,
    addresses: [{ address: `support@${domain}`, type: 'incident' }],
    machineSenders: [],
    allowSenders: [],
    denySenders: [],
    maxMailBytes: MAX_MAIL_BYTES,
    autoRepliesPerHour: AUTO_REPLIES_PER_HOUR,
    ticketDefaults: EMAIL_TICKET_DEFAULTS,
    fallbackAddress: null,
  };
}

/** The address our mail comes from (and replies go to). */
export function supportAddress(settings: EmailSettings): string {
  return settings.addresses[0]?.address ?? `support@${settings.domain}`;
}

/** The ticket type a mail opens: that of the first of our addresses it was sent to, else incident. */
export function ticketTypeFor(recipients: readonly string[], settings: EmailSettings): TicketType {
  const wanted = new Set(recipients.map(normaliseAddress));
  return settings.addresses.find((entry) => wanted.has(normaliseAddress(entry.address)))?.type ?? 'incident';
}

export function isOwnAddress(address: string, settings: EmailSettings): boolean {
  const normalised = normaliseAddress(address);
  return settings.addresses.some((entry) => normaliseAddress(entry.address) === normalised);
}
