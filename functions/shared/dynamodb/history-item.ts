import { historyKey } from './keys.js';
import type { TransactItem } from './transactions.js';

/**
 * A history entry is also the outbox record of its events, and most events repeat the entry's
 * `changes` in their detail. Stored twice, a PATCH of two 64 KiB texts (each change keeps `from` and
 * `to`) would pass DynamoDB's 400 KB item limit, so the item keeps the changes once: an event whose
 * detail carries the entry's own `changes` stores a marker instead, and every reader of the item
 * (the history routes, the outbox publisher) puts them back. The largest entry, two 64 KiB fields
 * each changed from one 64 KiB value to another, is then about 256 KiB.
 */
interface StoredEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  /** Present when the detail's `changes` are the entry's own. */
  readonly changesOfEntry?: true;
}

interface EntryShape {
  readonly changes?: readonly unknown[];
  readonly events?: readonly StoredEvent[];
}

/** The item's form of an entry: events that repeat the entry's changes carry a marker instead. */
export function packHistoryEvents<T extends EntryShape>(entry: T): T {
  if (!entry.events || !entry.changes) return entry;
  return {
    ...entry,
    events: entry.events.map((event) => {
      const { changes, ...rest } = event.detail;
      return changes === entry.changes ? { ...event, detail: rest, changesOfEntry: true } : event;
    }),
  };
}

/** The entry as the domain wrote it, from its stored item. */
export function unpackHistoryEvents<T extends EntryShape>(item: T): T {
  if (!Array.isArray(item.events)) return item;
  return {
    ...item,
    events: item.events.map(({ changesOfEntry, ...event }) =>
      changesOfEntry ? { ...event, detail: { ...event.detail, changes: item.changes ?? [] } } : event,
    ),
  };
}

/**
 * The transaction action that writes a history entry under its record (`<record PK>` /
 * `HISTORY#<at>#<id>`), never over an existing one: every capability's outbox write.
 */
export function historyPutAction<T extends EntryShape & { readonly at: string; readonly id: string }>(
  tableName: string,
  recordPk: string,
  entry: T,
): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...historyKey(recordPk, entry.at, entry.id), ...packHistoryEvents(entry) },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}
