/**
 * Whether the runtime's time-zone database knows `zone` as an IANA name. Intl is what Luxon itself
 * consults, so a zone accepted here is one the business-time math can use; checking it without
 * Luxon keeps the date library out of functions that only validate input (public, admin schemas).
 */
export function isValidTimezone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
