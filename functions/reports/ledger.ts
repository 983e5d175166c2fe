/**
 * What a record contributes to the aggregates, as data (docs/reports.md#how-the-figures-are-kept): numbers to
 * add per item and attribute, values to add to string sets, and whole items (outage intervals).
 * The aggregator computes a record's ledger before and after a change and applies only the
 * difference, so a reopen subtracts exactly what the resolution added, in the day it was added.
 */
export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

export interface WholeItem extends ItemKey {
  readonly [attribute: string]: unknown;
}

const SEP = '\u0000';
export const itemId = (key: ItemKey) => `${key.PK}${SEP}${key.SK}`;
export const keyOfId = (id: string): ItemKey => {
  const at = id.indexOf(SEP);
  return { PK: id.slice(0, at), SK: id.slice(at + 1) };
};

export class Ledger {
  /** item id → attribute → number */
  readonly numbers = new Map<string, Map<string, number>>();
  /** item id → attribute → values (string sets only grow: a stale value reads as zeros) */
  readonly sets = new Map<string, Map<string, Set<string>>>();
  /** item id → item */
  readonly items = new Map<string, WholeItem>();

  add(key: ItemKey, attribute: string, by: number): this {
    if (by === 0) return this;
    const id = itemId(key);
    const attributes = this.numbers.get(id) ?? new Map<string, number>();
    attributes.set(attribute, (attributes.get(attribute) ?? 0) + by);
    this.numbers.set(id, attributes);
    return this;
  }

  addToSet(key: ItemKey, attribute: string, value: string): this {
    const id = itemId(key);
    const attributes = this.sets.get(id) ?? new Map<string, Set<string>>();
    const values = attributes.get(attribute) ?? new Set<string>();
    values.add(value);
    attributes.set(attribute, values);
    this.sets.set(id, attributes);
    return this;
  }

  put(item: WholeItem): this {
    this.items.set(itemId(item), item);
    return this;
  }
}

/** What to write to move the aggregates from `before` to `after`. */
export interface AggregateChange {
  /** item id → attribute → delta (never 0) */
  readonly adds: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** item id → attribute → values to add */
  readonly sets: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
  readonly puts: readonly WholeItem[];
  readonly deletes: readonly ItemKey[];
}

export function isEmptyChange(change: AggregateChange): boolean {
  return (
    change.adds.size === 0 &&
    change.sets.size === 0 &&
    change.puts.length === 0 &&
    change.deletes.length === 0
  );
}

/** `after − before`: deltas for numbers, sets as `after` has them, puts and deletes for whole items. */
export function difference(after: Ledger, before: Ledger): AggregateChange {
  const adds = new Map<string, Map<string, number>>();
  const move = (id: string, attribute: string, by: number) => {
    if (by === 0) return;
    const attributes = adds.get(id) ?? new Map<string, number>();
    const total = (attributes.get(attribute) ?? 0) + by;
    if (total === 0) attributes.delete(attribute);
    else attributes.set(attribute, total);
    if (attributes.size === 0) adds.delete(id);
    else adds.set(id, attributes);
  };
  for (const [id, attributes] of after.numbers) for (const [a, n] of attributes) move(id, a, n);
  for (const [id, attributes] of before.numbers) for (const [a, n] of attributes) move(id, a, -n);
  // Sets only grow: values `before` did not list are added (a reassignment lists the new group).
  const sets = new Map<string, Map<string, Set<string>>>();
  for (const [id, attributes] of after.sets) {
    const beforeSets = before.sets.get(id);
    for (const [attribute, values] of attributes) {
      const fresh = [...values].filter((value) => !beforeSets?.get(attribute)?.has(value));
      if (fresh.length === 0) continue;
      const target = sets.get(id) ?? new Map<string, Set<string>>();
      target.set(attribute, new Set(fresh));
      sets.set(id, target);
    }
  }
  const puts = [...after.items]
    .filter(([id, item]) => !sameItem(before.items.get(id), item))
    .map(([, item]) => item);
  const deletes = [...before.items.keys()].filter((id) => !after.items.has(id)).map(keyOfId);
  return { adds, sets, puts, deletes };
}

function sameItem(a: WholeItem | undefined, b: WholeItem): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Every item a change touches (each appears once in a transaction). */
export function touchedItems(change: AggregateChange): number {
  const ids = new Set<string>([...change.adds.keys(), ...change.sets.keys()]);
  for (const item of change.puts) ids.add(itemId(item));
  for (const key of change.deletes) ids.add(itemId(key));
  return ids.size;
}
