import { domainOf, normaliseAddress } from './address-forms.js';

/**
 * Sender lists by address or domain (docs/email.md#configuration). Entries: `alice@example.com`, `example.com` (that
 * domain and its subdomains), `@example.com` (that domain only). The most specific entry that
 * matches decides (an address beats a domain, a longer domain beats a shorter one); between an
 * allow and a deny entry of the same specificity, deny wins. With a non-empty allow list, a sender
 * it does not name is refused: a closed service desk.
 */
export interface SenderLists {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

export type SenderVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** How specific an entry's match is (0: no match); exact addresses rank above any domain. */
export function matchStrength(address: string, entry: string): number {
  const wanted = normaliseAddress(entry);
  const normalised = normaliseAddress(address);
  if (wanted.includes('@') && !wanted.startsWith('@')) return normalised === wanted ? 10_000 : 0;
  const domain = domainOf(normalised);
  if (wanted.startsWith('@')) return domain === wanted.slice(1) ? 1_000 + wanted.length : 0;
  const bare = wanted.replace(/^\*\./, '');
  if (domain === bare || domain.endsWith(`.${bare}`)) return bare.length;
  return 0;
}

function strongest(address: string, entries: readonly string[]): number {
  return entries.reduce((best, entry) => Math.max(best, matchStrength(address, entry)), 0);
}

export function judgeSender(address: string, lists: SenderLists): SenderVerdict {
  const deny = strongest(address, lists.deny);
  const allow = strongest(address, lists.allow);
  if (deny > 0 && deny >= allow) return { allowed: false, reason: `sender ${address} is on the deny list` };
  if (lists.allow.length > 0 && allow === 0) {
    return { allowed: false, reason: `sender ${address} is not on the allow list` };
  }
  return { allowed: true };
}

/** Whether the sender is on a plain list (the machine-sender allowlist). */
export function isListed(address: string, entries: readonly string[]): boolean {
  return strongest(address, entries) > 0;
}
