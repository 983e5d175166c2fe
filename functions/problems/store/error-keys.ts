import { historyKey } from '../../shared/dynamodb/keys.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { HistoryEntry } from '../../tickets/model.js';
import type { KnownError, KnownErrorFilter } from '../model.js';
import type { KnownErrorWrite } from './error-store.js';

/**
 * Known error items in the single table (docs/problems.md#storage):
 *   KE#<id>        KE                   the record (byKind `KE`, byStatus `ke#<status>`)
 *   KE#<id>        USAGE                usage counters (kept apart: the stream adds to them)
 *   KE#<id>        M#ci#<ciId>          membership in byCi `ke#<ciId>` (list filter `ciId`)
 *   KE#<id>        M#prb#<problemId>    membership in byCi `ke#prb:<id>` (list filter `problemId`)
 *   KE#<id>        HISTORY#<at>#<ulid>  history, the outbox of its events
 *   KEIDX          <id>                 a published error's match keys (the suggestion index)
 *   KEIDX          #VERSION             bumped whenever the index changes
 *   KEUSAGE#<event> KEUSAGE             a counted `Known Error Applied` (35-day TTL)
 */
export type Key = { readonly PK: string; readonly SK: string };
export type Item = Record<string, unknown>;

export const recordKey = (id: string): Key => ({ PK: `KE#${id}`, SK: 'KE' });
export const usageKey = (id: string): Key => ({ PK: `KE#${id}`, SK: 'USAGE' });
export const INDEX_PARTITION = 'KEIDX';
export const indexEntryKey = (id: string): Key => ({ PK: INDEX_PARTITION, SK: id });
export const INDEX_VERSION_KEY: Key = { PK: INDEX_PARTITION, SK: '#VERSION' };
export const usageMarkerKey = (eventId: string): Key => ({ PK: `KEUSAGE#${eventId}`, SK: 'KEUSAGE' });
export const KE_KIND = 'KE';

/** A write action in a neutral form each adapter turns into its own (DynamoDB, in memory). */
export type Action =
  | {
      readonly kind: 'put';
      readonly item: Item;
      readonly condition?: 'absent' | { readonly version: number };
    }
  | { readonly kind: 'delete'; readonly key: Key }
  | { readonly kind: 'add'; readonly key: Key; readonly counts: Readonly<Record<string, number>> }
  /** A ConditionCheck on another record: still at `version` and in `status` (joins a ticket commit only). */
  | { readonly kind: 'check'; readonly key: Key; readonly version: number; readonly status: string };

/** Most actions one TransactWriteItems takes. */
export const MAX_ACTIONS = 100;

const listSk = (error: KnownError) => `${error.createdAt}#${error.id}`;

function memberships(error: KnownError | undefined): Map<string, Item> {
  const out = new Map<string, Item>();
  if (!error) return out;
  const base = { knownErrorId: error.id, [LIST_SORT_KEY]: listSk(error) };
  for (const ciId of error.ciIds) {
    out.set(`M#ci#${ciId}`, {
      PK: `KE#${error.id}`,
      SK: `M#ci#${ciId}`,
      ...base,
      [INDEXES.byCi.partitionKey]: `ke#${ciId}`,
    });
  }
  if (error.problemId) {
    const sk = `M#prb#${error.problemId}`;
    out.set(sk, {
      PK: `KE#${error.id}`,
      SK: sk,
      ...base,
      [INDEXES.byCi.partitionKey]: `ke#prb:${error.problemId}`,
    });
  }
  return out;
}

/** The record item (usage lives in its own item). */
export function recordItem(error: KnownError): Item {
  const { usage: _usage, ...rest } = error;
  return {
    ...recordKey(error.id),
    ...rest,
    [INDEXES.byKind.partitionKey]: KE_KIND,
    [INDEXES.byStatus.partitionKey]: `ke#${error.status}`,
    [LIST_SORT_KEY]: listSk(error),
  };
}

/** A published error's index entry: what suggestions match on. */
export function indexEntry(error: KnownError): Item {
  return {
    ...indexEntryKey(error.id),
    id: error.id,
    ciIds: [...error.ciIds],
    serviceIds: [...error.serviceIds],
    errorCodes: error.errorCodes.map((code) => code.toLowerCase()),
    applied: error.usage.applied,
  };
}

function matchKeys(error: KnownError | undefined): string | undefined {
  if (error?.status !== 'published') return undefined;
  return JSON.stringify([error.ciIds, error.serviceIds, error.errorCodes.map((c) => c.toLowerCase())]);
}

export function historyItem(
  recordPk: string,
  entry: HistoryEntry,
  pack: (e: HistoryEntry) => HistoryEntry,
): Item {
  return { ...historyKey(recordPk, entry.at, entry.id), ...pack(entry) };
}

/** Every action of one write, in order: record, history, memberships, index entry and version. */
export function writeActions(write: KnownErrorWrite, pack: (e: HistoryEntry) => HistoryEntry): Action[] {
  const { before, after, history } = write;
  const actions: Action[] = [
    { kind: 'put', item: recordItem(after), condition: before ? { version: before.version } : 'absent' },
    { kind: 'put', item: historyItem(`KE#${after.id}`, history, pack), condition: 'absent' },
  ];
  if (!before)
    actions.push({ kind: 'put', item: { ...usageKey(after.id), applied: 0, resolvedIncidents: 0 } });
  const old = memberships(before);
  const next = memberships(after);
  for (const [sk, item] of next)
    if (!old.has(sk) || before?.createdAt !== after.createdAt) actions.push({ kind: 'put', item });
  for (const [sk, item] of old)
    if (!next.has(sk)) actions.push({ kind: 'delete', key: { PK: item.PK as string, SK: sk } });
  const was = matchKeys(before);
  const is = matchKeys(after);
  if (is !== undefined && is !== was) actions.push({ kind: 'put', item: indexEntry(after) });
  if (is === undefined && was !== undefined) actions.push({ kind: 'delete', key: indexEntryKey(after.id) });
  if (is !== was) actions.push({ kind: 'add', key: INDEX_VERSION_KEY, counts: { version: 1 } });
  return actions;
}

/** The membership partition a filter reads, if any (else the status or kind partition). */
export function partitionFor(filter: KnownErrorFilter): {
  index: 'byCi' | 'byStatus' | 'byKind';
  value: string;
} {
  if (filter.ciId !== undefined) return { index: 'byCi', value: `ke#${filter.ciId}` };
  if (filter.problemId !== undefined) return { index: 'byCi', value: `ke#prb:${filter.problemId}` };
  if (filter.publicOnly) return { index: 'byStatus', value: 'ke#published' };
  if (filter.status !== undefined) return { index: 'byStatus', value: `ke#${filter.status}` };
  return { index: 'byKind', value: KE_KIND };
}

/** The record from its item and its usage item. */
export function knownErrorOf(item: Item, usage: Item | undefined): KnownError {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!['PK', 'SK', 'kindPk', 'statusPk', 'listSk'].includes(name)) record[name] = value;
  }
  return {
    ...(record as unknown as KnownError),
    usage: {
      applied: Number(usage?.applied ?? 0),
      resolvedIncidents: Number(usage?.resolvedIncidents ?? 0),
    },
  };
}
