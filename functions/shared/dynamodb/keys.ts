import { keyAttributeNames } from './table-definition.js';

/**
 * Keys every capability shares in the single table (each capability's store/ holds its own):
 *   <record PK>  HISTORY#<at>#<ulid>        history; each entry is also the outbox record of its events
 *   COUNTER#<prefix>  COUNTER               per-type id sequence
 */
export const historyKey = (recordPk: string, at: string, id: string) => ({
  PK: recordPk,
  SK: `HISTORY#${at}#${id}`,
});
export const counterKey = (prefix: string) => ({ PK: `COUNTER#${prefix}`, SK: 'COUNTER' });
export const HISTORY_PREFIX = 'HISTORY#';

const KEY_ATTRIBUTES = new Set(keyAttributeNames());

/** The record without its key attributes: what the domain sees. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.has(name) && name !== 'expiration') record[name] = value;
  }
  return record as T;
}
