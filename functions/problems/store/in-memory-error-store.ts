import {
  InMemoryTable,
  InMemoryTransactionCanceledError,
  queryPageInMemory,
  type TransactAction,
} from '../../shared/memory/in-memory-table.js';
import type { Page } from '../../shared/store.js';
import type { Action, Item, Key } from './error-keys.js';
import {
  ActionConditionFailed,
  KnownErrorRepository,
  type QuerySpec,
  type TableIo,
} from './error-repository.js';
import type { KnownErrorJoin } from './error-store.js';

/** A key whose item is gone: the in-memory table has no delete, so it keeps the bare key. */
const tombstone = (key: Key): Item => ({ PK: key.PK, SK: key.SK });

/** The table operations on InMemoryTable: the same items, conditions and pages as DynamoDB. */
class MemoryIo implements TableIo {
  constructor(
    private readonly table: InMemoryTable,
    readonly now: () => Date,
  ) {}

  async nextCounter(key: Key): Promise<number> {
    const item = this.table.update(key, (current) => ({
      ...current,
      sequence: Number(current?.sequence ?? 0) + 1,
    }));
    return Number(item.sequence);
  }

  async get(key: Key): Promise<Item | undefined> {
    const item = this.table.get(key);
    return item && Object.keys(item).length > 2 ? item : undefined;
  }

  async batchGet(keys: readonly Key[]): Promise<Item[]> {
    return this.table.batchGet(keys).filter((item) => Object.keys(item).length > 2);
  }

  async query<T>(
    spec: QuerySpec,
    limit: number,
    startKey: Record<string, unknown> | undefined,
    convert: (item: Item) => T | undefined,
  ): Promise<Page<T>> {
    const prefix = spec.skPrefix;
    return queryPageInMemory(
      this.table,
      {
        ...(spec.index ? { index: spec.index } : {}),
        partition: spec.partition,
        forward: spec.forward,
        ...(prefix ? { range: (sk: string) => sk.startsWith(prefix) } : {}),
      },
      limit,
      startKey,
      convert,
    );
  }

  async transact(actions: readonly Action[], token: string): Promise<void> {
    try {
      this.table.transactWrite(actions.map(toMemory), { token, fingerprint: JSON.stringify(actions) });
    } catch (error) {
      if (error instanceof InMemoryTransactionCanceledError) {
        const positions = error.reasons.flatMap((reason, index) =>
          reason.code === 'ConditionalCheckFailed' ? [index] : [],
        );
        throw new ActionConditionFailed(
          positions,
          error.reasons.map((reason) => reason.item),
        );
      }
      throw error;
    }
  }

  /** The in-memory ticket store carries no companion: its owner writes these apart. */
  join(actions: readonly Action[], token: string): KnownErrorJoin {
    return {
      kind: 'memory',
      carried: () => {},
      wasCarried: () => false,
      writeApart: () => {
        const writes = actions.filter((action) => action.kind !== 'check');
        return writes.length > 0 ? this.transact(writes, token) : Promise.resolve();
      },
    };
  }
}

function toMemory(action: Action): TransactAction {
  if (action.kind === 'check') throw new Error('a condition check joins a ticket commit only');
  if (action.kind === 'delete') return { put: tombstone(action.key) };
  if (action.kind === 'add') {
    return {
      update: action.key,
      apply: (current) => {
        const next: Item = { ...(current ?? {}) };
        for (const [name, value] of Object.entries(action.counts))
          next[name] = Number(next[name] ?? 0) + value;
        return next;
      },
    };
  }
  const condition = action.condition;
  return {
    put: action.item,
    ...(condition === 'absent'
      ? { condition: (current: Item | undefined) => !current || Object.keys(current).length <= 2 }
      : condition
        ? {
            condition: (current: Item | undefined) => current?.version === condition.version,
            returnOldOnFailure: true,
          }
        : {}),
  };
}

/** Known errors in memory, for use-case tests (the contract suite runs both adapters). */
export class InMemoryKnownErrorStore extends KnownErrorRepository {
  constructor(table: InMemoryTable = new InMemoryTable(), now: () => Date = () => new Date()) {
    super(new MemoryIo(table, now));
  }
}
