import { normaliseEmail } from '../shared/people.js';

/** Address forms for comparing and judging addresses (no parsing: a small module the notifier can carry). */

/**
 * Comparison form of an address: lower case, no surrounding quotes or angle brackets. The people
 * directory's form (functions/shared/people.ts), so a mail sender and a token's address meet.
 */
export function normaliseAddress(address: string): string {
  return normaliseEmail(address);
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : normaliseAddress(address.slice(at + 1));
}

/**
 * Addresses never sent automatic mail (Zammad's `send_no_auto_response_reg_exp` default): system
 * and no-reply mailboxes do not read, and answering them is how loops start.
 */
const NO_AUTO_RESPONSE =
  /^(mailer-daemon|postmaster|abuse|root|noreply|no-reply|no_reply|donotreply|do-not-reply)([+.-].*)?$/i;

export function acceptsAutomaticMail(address: string): boolean {
  const local = normaliseAddress(address).split('@')[0] ?? '';
  return domainOf(address) !== '' && !NO_AUTO_RESPONSE.test(local) && !/^(noreply|no-reply)/i.test(local);
}
