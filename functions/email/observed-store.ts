import type { TicketStore, TicketWrite } from '../tickets/store/ticket-store.js';

/**
 * A TicketStore that reports each commit to a callback before making it. The mail gateway uses it
 * to note, on the message's claim, the ticket or comment it is about to write: if the function dies
 * between that commit and marking the message done, the retry sees the write landed and does not
 * write it twice. Every other method passes straight through (a proxy, so methods the store gains
 * later pass through too).
 */
export function observedTicketStore(
  inner: TicketStore,
  beforeCommit: (writes: readonly TicketWrite[]) => Promise<void>,
): TicketStore {
  const commit = async (writes: readonly TicketWrite[]): Promise<void> => {
    await beforeCommit(writes);
    await inner.commit(writes);
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'commit') return commit;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
