import { packHistoryEvents, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { counterKey, HISTORY_PREFIX, historyKey, withoutKeys } from '../../shared/dynamodb/keys.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { compareKeys } from '../../shared/memory/in-memory-support.js';
import {
  type Condition,
  InMemoryConditionFailedError,
  InMemoryTable,
  InMemoryTransactionCanceledError,
  type Item,
  queryPageInMemory,
  type TransactAction,
} from '../../shared/memory/in-memory-table.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { Change, ChangeHistoryEntry, FreezeWindow } from '../model.js';
import { CHANGE_PREFIX } from '../model.js';
import {
  CHANGE_KIND,
  callbackItemKey,
  changeCiItem,
  changeFromItem,
  changeIndexKeys,
  changeKey,
  changePk,
  changeServiceItem,
  ciIndexValue,
  FREEZE_KIND,
  freezeWindowFromItem,
  freezeWindowKey,
  indexForChangeQuery,
  MAX_WINDOWS_PER_SERVICE,
  matchesChangeQuery,
  serviceIndexValue,
} from './change-keys.js';
import {
  CallbackConflictError,
  type CallbackKey,
  type CallbackWrite,
  type ChangeQuery,
  type ChangeStore,
  type ChangeWindow,
  type ChangeWrite,
  type FreezeWindowStore,
  type PendingCallback,
  type ServiceWindow,
} from './change-store.js';

/**
 * The change stores without DynamoDB, for use-case tests and anything else that runs offline.
 * They write the same items as DynamoChangeRepository and DynamoFreezeWindowRepository into an
 * InMemoryTable (pass one table to both, as production shares one), with the same conditions, so
 * the contract suites in test/changes/store hold for both pairs alike.
 */

/** Upper bound on queries one CI's overlap check may take (100 windows each), as in DynamoDB. */
const MAX_WINDOW_QUERIES = 10;
/** Upper bound on queries a freeze-window overlap lookup takes. */
const MAX_FREEZE_QUERIES = 10;

/** Positions of the actions in a change commit, to read cancellation reasons back. */
const CHANGE_ACTION = 0;
const CALLBACK_ACTION = 2;

const isOpen: Condition = (current) => current?.state === 'open';

export class InMemoryChangeStore implements ChangeStore {
  constructor(readonly table: InMemoryTable = new InMemoryTable()) {}

  async nextSequence(): Promise<number> {
    const counter = this.table.update(counterKey(CHANGE_PREFIX), (current) => ({
      ...current,
      sequence: Number(current?.sequence ?? 0) + 1,
    }));
    return Number(counter.sequence);
  }

  async get(id: string): Promise<Change | undefined> {
    const item = this.table.get(changeKey(id));
    return item ? changeFromItem(item) : undefined;
  }

  /** In the order of `ids`; like BatchGetItem, refuses a duplicate id within one 100-id batch. */
  async getMany(ids: readonly string[]): Promise<Change[]> {
    const items = this.table.batchGet(ids.map(changeKey));
    const byId = new Map(items.map((item) => [item.id as string, changeFromItem(item)]));
    return ids.map((id) => byId.get(id)).filter((change): change is Change => change !== undefined);
  }

  async commit(write: ChangeWrite): Promise<void> {
    const { before, after, history, callback } = write;
    const actions: TransactAction[] = [
      {
        put: { ...changeKey(after.id), ...changeIndexKeys(after), ...after },
        ...(before
          ? {
              condition: (current: Item | undefined) => current?.version === before.version,
              returnOldOnFailure: true,
            }
          : { condition: (current: Item | undefined) => current === undefined }),
      },
      {
        put: { ...historyKey(changePk(after.id), history.at, history.id), ...packHistoryEvents(history) },
        condition: (current) => current === undefined,
      },
    ];
    if (callback) actions.push(callbackAction(after.id, callback, history.at));
    // Windows are fixed once created, so the per-CI items are written with the change, once.
    if (!before) for (const ciId of after.ciIds) actions.push({ put: changeCiItem(after, ciId) });
    for (const serviceId of new Set(write.services ?? []))
      actions.push({ put: changeServiceItem(after, serviceId) });
    try {
      // As DynamoDB's ClientRequestToken: a retried commit with the same history id is applied once.
      this.table.transactWrite(actions, { token: history.id, fingerprint: JSON.stringify(write) });
    } catch (error) {
      if (!(error instanceof InMemoryTransactionCanceledError)) throw error;
      const changeReason = error.reasons[CHANGE_ACTION];
      if (before && changeReason?.code === 'ConditionalCheckFailed') {
        throw new StaleWriteError(after.id, changeReason.item?.version as number | undefined);
      }
      if (callback && error.reasons[CALLBACK_ACTION]?.code === 'ConditionalCheckFailed') {
        throw new CallbackConflictError(after.id, callback.key);
      }
      throw error;
    }
  }

  async registerCallback(changeId: string, key: CallbackKey, taskToken: string, at: string): Promise<void> {
    try {
      this.table.put(registerItem(changeId, key, taskToken, at), registerCondition);
    } catch (error) {
      if (error instanceof InMemoryConditionFailedError) throw new CallbackConflictError(changeId, key);
      throw error;
    }
  }

  async getCallback(changeId: string, key: CallbackKey): Promise<PendingCallback | undefined> {
    const item = this.table.get(callbackItemKey(changeId, key));
    if (!item) return undefined;
    return {
      key: item.key as CallbackKey,
      taskToken: (item.taskToken as string | undefined) ?? null,
      state: item.state as PendingCallback['state'],
      updatedAt: item.updatedAt as string,
    };
  }

  /** listFromIndex (shared/dynamodb/indexed-list.ts) over the in-memory indexes, newest first. */
  async listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Change>> {
    return queryPageInMemory(
      this.table,
      {
        index: 'byKind',
        partition: CHANGE_KIND,
        range: (sk) => compareKeys(sk, from) >= 0 && compareKeys(sk, to) <= 0,
        forward: false,
      },
      page.limit,
      page.startKey,
      changeFromItem,
    );
  }

  async list(query: ChangeQuery, page: PageRequest): Promise<Page<Change>> {
    const target = indexForChangeQuery(query);
    const base = { index: target.index, partition: target.value, forward: false };
    const matches = (change: Change) => matchesChangeQuery(change, query);
    if (target.index !== 'byCi') {
      return queryPageInMemory(this.table, base, page.limit, page.startKey, (item) => {
        const change = changeFromItem(item);
        return matches(change) ? change : undefined;
      });
    }
    const memberships = queryPageInMemory(
      this.table,
      base,
      page.limit,
      page.startKey,
      (item) => item.changeId as string,
    );
    const changes = await this.getMany(memberships.items);
    return { ...memberships, items: changes.filter(matches) };
  }

  async listHistory(changeId: string, page: PageRequest): Promise<Page<ChangeHistoryEntry>> {
    return queryPageInMemory(
      this.table,
      { partition: changePk(changeId), range: (sk) => sk.startsWith(HISTORY_PREFIX), forward: true },
      page.limit,
      page.startKey,
      (item) => unpackHistoryEvents(withoutKeys<ChangeHistoryEntry>(item)),
    );
  }

  async windowsOnCis(ciIds: readonly string[], from: string, to: string): Promise<ChangeWindow[]> {
    return ciIds.flatMap((ciId) => this.windowsIn(ciIndexValue(ciId), from, to, true));
  }

  async windowsOnServices(serviceIds: readonly string[], from: string, to: string): Promise<ServiceWindow[]> {
    return serviceIds.flatMap((serviceId) =>
      this.windowsIn(serviceIndexValue(serviceId), from, to, false).map((w) => ({ ...w, serviceId })),
    );
  }

  /**
   * `listSk` is `<plannedStart>#<id>`: BETWEEN from AND to selects windows starting in [from, to).
   * Past the bound a CI's read fails, a service's stops (as in DynamoDB).
   */
  private windowsIn(partition: string, from: string, to: string, failPastBound: boolean): ChangeWindow[] {
    const windows: ChangeWindow[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_WINDOW_QUERIES; round++) {
      const out = this.table.query({
        index: 'byCi',
        partition,
        range: (sk) => compareKeys(sk, from) >= 0 && compareKeys(sk, to) <= 0,
        limit: 100,
        startKey,
      });
      for (const item of out.items) {
        windows.push({
          changeId: item.changeId as string,
          plannedStart: item.plannedStart as string,
          plannedEnd: item.plannedEnd as string,
        });
      }
      startKey = out.lastKey;
      if (!startKey) return windows;
    }
    if (!failPastBound) return windows.slice(0, MAX_WINDOWS_PER_SERVICE);
    throw new Error(`more than ${MAX_WINDOW_QUERIES * 100} change windows on ${partition} in one range`);
  }
}

/** Freeze windows in the `FREEZE` partition of `byKind`, sorted by `<start>#<id>`. */
export class InMemoryFreezeWindowStore implements FreezeWindowStore {
  constructor(readonly table: InMemoryTable = new InMemoryTable()) {}

  async get(id: string): Promise<FreezeWindow | undefined> {
    const item = this.table.get(freezeWindowKey(id));
    return item ? freezeWindowFromItem(item) : undefined;
  }

  /** versionedPut (shared/dynamodb/versioned-put.ts): StaleWriteError naming the current version. */
  async put(window: FreezeWindow, expectedVersion: number): Promise<void> {
    const item = {
      ...freezeWindowKey(window.id),
      [INDEXES.byKind.partitionKey]: FREEZE_KIND,
      [LIST_SORT_KEY]: `${window.start}#${window.id}`,
      ...window,
    };
    try {
      this.table.put(item, (current) =>
        expectedVersion === 0 ? current === undefined : current?.version === expectedVersion,
      );
    } catch (error) {
      if (error instanceof InMemoryConditionFailedError) {
        const current = error.item?.version;
        throw new StaleWriteError(window.id, current === undefined ? undefined : Number(current));
      }
      throw error;
    }
  }

  async list(page: PageRequest): Promise<Page<FreezeWindow>> {
    return queryPageInMemory(
      this.table,
      { index: 'byKind', partition: FREEZE_KIND },
      page.limit,
      page.startKey,
      (item) => freezeWindowFromItem(item),
    );
  }

  /** Windows starting before `to` (a key range) and ending after `from` (a filter). */
  async overlapping(from: string, to: string): Promise<FreezeWindow[]> {
    const windows: FreezeWindow[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_FREEZE_QUERIES; round++) {
      const out = this.table.query({
        index: 'byKind',
        partition: FREEZE_KIND,
        range: (sk) => compareKeys(sk, to) < 0,
        filter: (item) => typeof item.end === 'string' && compareKeys(item.end, from) > 0,
        startKey,
      });
      windows.push(...out.items.map((item) => freezeWindowFromItem(item)));
      startKey = out.lastKey;
      if (!startKey) return windows;
    }
    throw new Error(`more freeze windows than ${MAX_FREEZE_QUERIES} queries read before ${to}`);
  }
}

/** The stores over one shared table, as production shares one. */
export function inMemoryChangeStores(table = new InMemoryTable()): {
  readonly changes: InMemoryChangeStore;
  readonly freezes: InMemoryFreezeWindowStore;
  readonly table: InMemoryTable;
} {
  return { changes: new InMemoryChangeStore(table), freezes: new InMemoryFreezeWindowStore(table), table };
}

/** A fresh token may replace an open (dead) one, never an answer being recorded. */
const registerCondition: Condition = (current) => current === undefined || isOpen(current);

function registerItem(changeId: string, key: CallbackKey, taskToken: string, at: string): Item {
  return { ...callbackItemKey(changeId, key), key, taskToken, state: 'open', updatedAt: at };
}

/** The callback item's part of a commit, with the DynamoDB adapter's conditions. */
function callbackAction(changeId: string, write: CallbackWrite, at: string): TransactAction {
  const key = callbackItemKey(changeId, write.key);
  switch (write.op) {
    case 'register':
      return { put: registerItem(changeId, write.key, write.taskToken, at), condition: registerCondition };
    case 'answer':
      return {
        update: key,
        condition: (current) => isOpen(current) && current?.taskToken === write.taskToken,
        apply: (current) => {
          const { taskToken: _removed, ...rest } = current ?? {};
          return { ...rest, state: 'answered', updatedAt: at };
        },
      };
    case 'retire':
      return {
        update: key,
        condition: isOpen,
        apply: (current) => {
          const { taskToken: _removed, ...rest } = current ?? {};
          return { ...rest, updatedAt: at };
        },
      };
    case 'reopen':
      return {
        update: key,
        condition: (current) => current?.state === 'answered',
        apply: (current) => ({ ...current, state: 'open', updatedAt: at }),
      };
  }
}
