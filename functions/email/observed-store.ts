import type { TicketStore } from '../tickets/store/ticket-store.js';

/**
 * A TicketStore with some methods replaced: the mail gateway commits a ticket's writes together
 * with its own (MailWrites) and lets the first attempt of a comment write against the ticket it
 * has just read. Every other method passes straight through (a proxy, so methods the store gains
 * later pass through too).
 */
export function interceptedTicketStore(
  inner: TicketStore,
  overrides: Partial<Pick<TicketStore, 'get' | 'commit'>>,
): TicketStore {
  return new Proxy(inner, {
    get(target, property) {
      const override = (overrides as Record<PropertyKey, unknown>)[property];
      if (override !== undefined) return override;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
