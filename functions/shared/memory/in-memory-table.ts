import { INDEXES, type IndexName, TABLE_KEYS } from '../dynamodb/table-definition.js';
import type { Page } from '../store.js';
import { compareKeys, storedCopy } from './in-memory-support.js';

/**
 * The single table in memory, as far as the in-memory stores need it: items under PK/SK, the
 * sparse list indexes of TABLE_DEFINITION, conditional puts and updates, all-or-nothing
 * transactions with idempotency tokens, and queries with DynamoDB's paging rules. The in-memory
 * stores build the very items the DynamoDB adapters write (same key builders), so ordering,
 * ranges, cursors and condition failures come out the same; the contract suites check it.
 *
 * What it does not model: the 400 KB item and 1 MB page limits, eventual consistency of the
 * indexes and of plain reads (DynamoDB Local has none either), throttling and
 * TransactionConflict (single-threaded JavaScript never interleaves inside a write).
 */
export type Item = Record<string, unknown>;

export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

/** A condition on the item as it is now (`undefined`: there is none). */
export type Condition = (current: Item | undefined) => boolean;

export type TransactAction =
  | {
      readonly put: Item;
      readonly condition?: Condition;
      /** ReturnValuesOnConditionCheckFailure: ALL_OLD. */
      readonly returnOldOnFailure?: boolean;
    }
  | {
      readonly update: ItemKey;
      /** The item as it becomes (an update of an absent item creates it, as in DynamoDB). */
      readonly apply: (current: Item | undefined) => Item;
      readonly condition?: Condition;
      readonly returnOldOnFailure?: boolean;
    };

export interface CancellationReason {
  readonly code: 'None' | 'ConditionalCheckFailed';
  readonly item?: Item;
}

/** A transaction whose conditions did not all hold; nothing of it was written. */
export class InMemoryTransactionCanceledError extends Error {
  override readonly name = 'TransactionCanceledException';
  constructor(readonly reasons: readonly CancellationReason[]) {
    super(
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.code).join(', ')}]`,
    );
  }
}

/** A single conditional write whose condition did not hold. */
export class InMemoryConditionFailedError extends Error {
  override readonly name = 'ConditionalCheckFailedException';
  constructor(readonly item: Item | undefined) {
    super('The conditional request failed');
  }
}

/** A request DynamoDB would refuse outright (duplicate keys, too many actions, ...). */
export class InMemoryValidationError extends Error {
  override readonly name = 'ValidationException';
}

/** A retried transaction token that came with other parameters. */
export class InMemoryIdempotentParameterMismatchError extends Error {
  override readonly name = 'IdempotentParameterMismatchException';
}

export interface QueryInput {
  /** Absent: the table itself (PK/SK). */
  readonly index?: IndexName;
  readonly partition: string;
  /** The key condition on the sort key (compare with `compareKeys`, as DynamoDB compares bytes). */
  readonly range?: (sortKey: string) => boolean;
  /** FilterExpression: applied after Limit, so filtered items still use it up. */
  readonly filter?: (item: Item) => boolean;
  /** ScanIndexForward (default true). */
  readonly forward?: boolean;
  readonly limit?: number;
  readonly startKey?: Record<string, unknown>;
}

export interface QueryOutput {
  readonly items: Item[];
  readonly lastKey?: Record<string, unknown>;
}

const TRANSACTION_MAX_ACTIONS = 100;
const BATCH_GET_MAX_KEYS = 100;
/** How long DynamoDB remembers a transaction's ClientRequestToken. */
const TOKEN_WINDOW_MS = 10 * 60_000;

const itemId = (key: ItemKey) => `${key.PK}\u0000${key.SK}`;

function keyOf(item: Item): ItemKey {
  const PK = item[TABLE_KEYS.partitionKey];
  const SK = item[TABLE_KEYS.sortKey];
  if (typeof PK !== 'string' || typeof SK !== 'string' || PK === '' || SK === '') {
    throw new InMemoryValidationError('One or more parameter values were invalid: missing or empty key');
  }
  return { PK, SK };
}

export class InMemoryTable {
  private readonly items = new Map<string, Item>();
  private readonly tokens = new Map<string, { readonly fingerprint: string; readonly at: number }>();

  /** `now`: what the idempotency window of transaction tokens counts in. */
  constructor(private readonly now: () => number = Date.now) {}

  get(key: ItemKey): Item | undefined {
    const item = this.items.get(itemId(key));
    return item && storedCopy(item);
  }

  /** BatchGetItem: found items only, in no particular order; duplicate keys in one request are refused. */
  batchGet(keys: readonly ItemKey[]): Item[] {
    const found: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
      const chunk = keys.slice(start, start + BATCH_GET_MAX_KEYS);
      if (new Set(chunk.map(itemId)).size !== chunk.length) {
        throw new InMemoryValidationError('Provided list of item keys contains duplicates');
      }
      for (const key of chunk) {
        const item = this.get(key);
        if (item) found.push(item);
      }
    }
    return found;
  }

  /** PutItem; InMemoryConditionFailedError (with the old item) when the condition does not hold. */
  put(item: Item, condition?: Condition): void {
    const current = this.items.get(itemId(keyOf(item)));
    if (condition && !condition(current)) {
      throw new InMemoryConditionFailedError(current && storedCopy(current));
    }
    this.items.set(itemId(keyOf(item)), storedCopy(item));
  }

  /** UpdateItem returning the item as it became (ReturnValues: ALL_NEW). */
  update(key: ItemKey, apply: (current: Item | undefined) => Item, condition?: Condition): Item {
    const current = this.items.get(itemId(key));
    if (condition && !condition(current)) {
      throw new InMemoryConditionFailedError(current && storedCopy(current));
    }
    const next = storedCopy({ ...apply(current && storedCopy(current)), ...key });
    this.items.set(itemId(key), next);
    return storedCopy(next);
  }

  /**
   * TransactWriteItems: every condition is checked first, then all actions apply, or none. A
   * token seen within the last 10 minutes with the same fingerprint succeeds without writing; with
   * another fingerprint it is refused. Only a transaction that succeeded claims its token.
   */
  transactWrite(
    actions: readonly TransactAction[],
    idempotency?: { readonly token: string; readonly fingerprint: string },
  ): void {
    if (idempotency) {
      const seen = this.tokens.get(idempotency.token);
      if (seen && this.now() - seen.at < TOKEN_WINDOW_MS) {
        if (seen.fingerprint === idempotency.fingerprint) return;
        throw new InMemoryIdempotentParameterMismatchError(
          `token ${idempotency.token} was used with different parameters`,
        );
      }
    }
    if (actions.length === 0 || actions.length > TRANSACTION_MAX_ACTIONS) {
      throw new InMemoryValidationError(
        `a transaction takes 1 to ${TRANSACTION_MAX_ACTIONS} actions, not ${actions.length}`,
      );
    }
    const keys = actions.map((action) => ('put' in action ? keyOf(action.put) : action.update));
    if (new Set(keys.map(itemId)).size !== keys.length) {
      throw new InMemoryValidationError('Transaction request cannot include multiple operations on one item');
    }
    const reasons = actions.map((action, index): CancellationReason => {
      const current = this.items.get(itemId(keys[index]!));
      if (!action.condition || action.condition(current)) return { code: 'None' };
      return {
        code: 'ConditionalCheckFailed',
        ...(action.returnOldOnFailure && current ? { item: storedCopy(current) } : {}),
      };
    });
    if (reasons.some((reason) => reason.code !== 'None')) throw new InMemoryTransactionCanceledError(reasons);
    actions.forEach((action, index) => {
      const key = keys[index]!;
      if ('put' in action) this.items.set(itemId(key), storedCopy(action.put));
      else {
        const current = this.items.get(itemId(key));
        this.items.set(itemId(key), storedCopy({ ...action.apply(current && storedCopy(current)), ...key }));
      }
    });
    if (idempotency) {
      this.tokens.set(idempotency.token, { fingerprint: idempotency.fingerprint, at: this.now() });
    }
  }

  /**
   * One Query: the partition's items in sort-key order (ties by table key), after `startKey`, at
   * most `limit` of them read; then the filter. `lastKey` is there whenever `limit` items were
   * read, even if none follow (DynamoDB does not look ahead).
   */
  query(input: QueryInput): QueryOutput {
    const partitionKey = input.index ? INDEXES[input.index].partitionKey : TABLE_KEYS.partitionKey;
    const sortKey = input.index ? INDEXES[input.index].sortKey : TABLE_KEYS.sortKey;
    const forward = input.forward ?? true;
    const position = (item: Record<string, unknown>) => [
      String(item[sortKey]),
      String(item[TABLE_KEYS.partitionKey]),
      String(item[TABLE_KEYS.sortKey]),
    ];
    const compare = (a: readonly string[], b: readonly string[]) =>
      compareKeys(a[0]!, b[0]!) || compareKeys(a[1]!, b[1]!) || compareKeys(a[2]!, b[2]!);
    const start = input.startKey && position(input.startKey);
    const candidates = [...this.items.values()]
      .filter((item) => item[partitionKey] === input.partition && typeof item[sortKey] === 'string')
      .filter((item) => !input.range || input.range(item[sortKey] as string))
      .map((item) => ({ item, at: position(item) }))
      .sort((a, b) => (forward ? compare(a.at, b.at) : compare(b.at, a.at)))
      .filter(({ at }) => !start || (forward ? compare(at, start) > 0 : compare(at, start) < 0));
    const read = input.limit === undefined ? candidates : candidates.slice(0, input.limit);
    const last = read.at(-1)?.item;
    const items = read
      .map(({ item }) => storedCopy(item))
      .filter((item) => !input.filter || input.filter(item));
    if (input.limit === undefined || read.length < input.limit || !last) return { items };
    const lastKey: Record<string, unknown> = {
      [TABLE_KEYS.partitionKey]: last[TABLE_KEYS.partitionKey],
      [TABLE_KEYS.sortKey]: last[TABLE_KEYS.sortKey],
    };
    if (input.index) {
      lastKey[partitionKey] = last[partitionKey];
      lastKey[sortKey] = last[sortKey];
    }
    return { items, lastKey };
  }
}

/** Upper bound on queries one page may take when a filter discards items (as shared/dynamodb/paging.ts). */
const MAX_QUERIES_PER_PAGE = 5;

/**
 * shared/dynamodb/paging.ts over the in-memory table, round for round: up to `limit` accepted
 * items, each query asking only for what is still missing, so a page may come back short with a
 * cursor when the filter discards much.
 */
export function queryPageInMemory<T>(
  table: InMemoryTable,
  input: Omit<QueryInput, 'limit' | 'startKey'>,
  limit: number,
  startKey: Record<string, unknown> | undefined,
  convert: (item: Item) => T | undefined,
): Page<T> {
  const items: T[] = [];
  let lastKey = startKey;
  for (let round = 0; round < MAX_QUERIES_PER_PAGE && items.length < limit; round++) {
    const out = table.query({ ...input, limit: limit - items.length, startKey: lastKey });
    for (const item of out.items) {
      const converted = convert(item);
      if (converted !== undefined) items.push(converted);
    }
    lastKey = out.lastKey;
    if (!lastKey) break;
  }
  return lastKey ? { items, lastKey } : { items };
}
