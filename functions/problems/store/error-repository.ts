import { randomUUID } from 'node:crypto';
import { packHistoryEvents, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { counterKey, HISTORY_PREFIX } from '../../shared/dynamodb/keys.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { HistoryEntry } from '../../tickets/model.js';
import { KNOWN_ERROR_PREFIX, type KnownError, type KnownErrorFilter, matchesFilter } from '../model.js';
import {
  type Action,
  historyItem,
  INDEX_PARTITION,
  INDEX_VERSION_KEY,
  type Item,
  indexEntryKey,
  type Key,
  knownErrorOf,
  MAX_ACTIONS,
  partitionFor,
  recordKey,
  usageKey,
  usageMarkerKey,
  writeActions,
} from './error-keys.js';
import type { KnownErrorJoin, KnownErrorStore, KnownErrorWrite, PublishedIndex } from './error-store.js';

/** How long a counted event's marker stays (DynamoDB TTL): longer than EventBridge retries. */
const MARKER_DAYS = 35;

export interface QuerySpec {
  readonly index?: 'byCi' | 'byStatus' | 'byKind';
  readonly partition: string;
  readonly forward: boolean;
  readonly skPrefix?: string;
}

/** A transaction cancelled by the action at `position` (a condition that did not hold). */
export class ActionConditionFailed extends Error {
  constructor(
    readonly positions: readonly number[],
    readonly items: readonly (Item | undefined)[],
  ) {
    super(`condition failed at ${positions.join(', ')}`);
  }
}

/** The table operations the repository needs; DynamoDB and in-memory adapters implement them. */
export interface TableIo {
  nextCounter(key: Key): Promise<number>;
  get(key: Key): Promise<Item | undefined>;
  batchGet(keys: readonly Key[]): Promise<Item[]>;
  query<T>(
    spec: QuerySpec,
    limit: number,
    startKey: Record<string, unknown> | undefined,
    convert: (item: Item) => T | undefined,
  ): Promise<Page<T>>;
  /** One transaction; ActionConditionFailed when a condition did not hold. */
  transact(actions: readonly Action[], token: string): Promise<void>;
  /** The actions as a companion of a ticket commit. */
  join(actions: readonly Action[], token: string): KnownErrorJoin;
  /** A TTL attribute value `days` ahead, in epoch seconds. */
  readonly now: () => Date;
}

/** The KnownErrorStore over any TableIo: one implementation of the layout, two adapters. */
export class KnownErrorRepository implements KnownErrorStore {
  constructor(private readonly io: TableIo) {}

  nextSequence(): Promise<number> {
    return this.io.nextCounter(counterKey(KNOWN_ERROR_PREFIX));
  }

  async get(id: string): Promise<KnownError | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<KnownError[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const items = await this.io.batchGet(unique.flatMap((id) => [recordKey(id), usageKey(id)]));
    const records = new Map<string, Item>();
    const usages = new Map<string, Item>();
    for (const item of items) {
      const id = (item.PK as string).slice(3);
      (item.SK === 'KE' ? records : usages).set(id, item);
    }
    return ids.flatMap((id) => {
      const record = records.get(id);
      return record?.id ? [knownErrorOf(record, usages.get(id))] : [];
    });
  }

  async list(filter: KnownErrorFilter, page: PageRequest): Promise<Page<KnownError>> {
    const target = partitionFor(filter);
    if (target.index === 'byCi') {
      const memberships = await this.io.query(
        { index: 'byCi', partition: target.value, forward: false },
        page.limit,
        page.startKey,
        (item) => item.knownErrorId as string | undefined,
      );
      const records = await this.getMany(memberships.items);
      return { ...memberships, items: records.filter((error) => matchesFilter(error, filter)) };
    }
    const found = await this.io.query(
      { index: target.index, partition: target.value, forward: false },
      page.limit,
      page.startKey,
      (item) => {
        const error = knownErrorOf(item, undefined);
        return matchesFilter(error, filter) ? error.id : undefined;
      },
    );
    // The usage items: one batch read of the page.
    return { ...found, items: await this.getMany(found.items) };
  }

  async commit(write: KnownErrorWrite): Promise<void> {
    const actions = this.actions(write);
    try {
      await this.io.transact(actions, write.history.id);
    } catch (error) {
      if (error instanceof ActionConditionFailed && error.positions.includes(0)) {
        throw new StaleWriteError(write.after.id, error.items[0]?.version as number | undefined);
      }
      throw error;
    }
  }

  join(write: KnownErrorWrite): KnownErrorJoin {
    return this.io.join(this.actions(write), write.history.id);
  }

  problemUnchanged(problemId: string, version: number): KnownErrorJoin {
    return this.io.join(
      [{ kind: 'check', key: { PK: `TICKET#${problemId}`, SK: 'TICKET' }, version, status: 'resolved' }],
      `check-${problemId}-${version}`,
    );
  }

  private actions(write: KnownErrorWrite): Action[] {
    const actions = writeActions(write, packHistoryEvents);
    if (actions.length > MAX_ACTIONS - 10) {
      throw new Error(`a known error write of ${actions.length} actions is over the transaction bound`);
    }
    return actions;
  }

  async indexVersion(): Promise<number> {
    return Number((await this.io.get(INDEX_VERSION_KEY))?.version ?? 0);
  }

  async publishedIndex(knownVersion?: number): Promise<PublishedIndex> {
    // The version first: an entry written after it is read again on the next check.
    const version = knownVersion ?? (await this.indexVersion());
    const entries: PublishedIndex['entries'][number][] = [];
    let startKey: Record<string, unknown> | undefined;
    // Bounded: the published errors, 1,000 a page (each page one Query).
    for (let round = 0; round < 100; round++) {
      const page = await this.io.query(
        { partition: INDEX_PARTITION, forward: true, skPrefix: 'KE-' },
        1_000,
        startKey,
        (item) =>
          item.id
            ? {
                id: item.id as string,
                ciIds: (item.ciIds as string[]) ?? [],
                serviceIds: (item.serviceIds as string[]) ?? [],
                errorCodes: (item.errorCodes as string[]) ?? [],
                applied: Number(item.applied ?? 0),
              }
            : undefined,
      );
      entries.push(...page.items);
      startKey = page.lastKey;
      if (!startKey) break;
    }
    return { version, entries };
  }

  async recordUsage(
    eventId: string,
    error: KnownError,
    delta: { applied: number; resolved: number },
  ): Promise<boolean> {
    const expiration = Math.floor(this.io.now().getTime() / 1000) + MARKER_DAYS * 86_400;
    const actions: Action[] = [
      {
        kind: 'put',
        item: { ...usageMarkerKey(eventId), knownErrorId: error.id, expiration },
        condition: 'absent',
      },
      {
        kind: 'add',
        key: usageKey(error.id),
        counts: { applied: delta.applied, resolvedIncidents: delta.resolved },
      },
    ];
    // The index carries `applied` for ordering; only a published error has an entry (no version bump:
    // a container's copy may lag on this tie-breaker until the next index change).
    if (error.status === 'published') {
      actions.push({ kind: 'add', key: indexEntryKey(error.id), counts: { applied: delta.applied } });
    }
    try {
      // The marker dedupes; a fresh token lets a redelivery reach its condition.
      await this.io.transact(actions, randomUUID());
      return true;
    } catch (failure) {
      if (failure instanceof ActionConditionFailed && failure.positions.includes(0)) return false;
      throw failure;
    }
  }

  async appendHistory(recordPk: string, entry: HistoryEntry): Promise<void> {
    try {
      await this.io.transact(
        [{ kind: 'put', item: historyItem(recordPk, entry, packHistoryEvents), condition: 'absent' }],
        // The condition keeps it once; a redelivery may carry other counts, so no shared token.
        randomUUID(),
      );
    } catch (error) {
      if (error instanceof ActionConditionFailed) return;
      throw error;
    }
  }

  history(id: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return this.io.query(
      { partition: `KE#${id}`, forward: true, skPrefix: HISTORY_PREFIX },
      page.limit,
      page.startKey,
      (item) => {
        const { PK: _pk, SK: _sk, ...entry } = item;
        return unpackHistoryEvents(entry as unknown as HistoryEntry);
      },
    );
  }
}
