import { compareKeys, storedCopy } from '../../shared/memory/in-memory-support.js';
import { type AggregateChange, itemId, keyOfId, type WholeItem } from '../ledger.js';
import {
  appliedKey,
  type Family,
  openPk,
  outagePk,
  snapshotMarkerKey,
  snapshotPk,
  trackedKey,
} from './report-keys.js';
import type { Item, ReportsStore, Tracked } from './reports-store.js';

/** The aggregates in memory: the same items the DynamoDB adapter writes, one map per partition. */
export class InMemoryReportsStore implements ReportsStore {
  private readonly partitions = new Map<string, Map<string, Record<string, unknown>>>();
  private asOf: string | null = null;
  /** Writes applied (transactions on DynamoDB), for tests that count them. */
  transactions = 0;

  private get(key: { PK: string; SK: string }) {
    return this.partitions.get(key.PK)?.get(key.SK);
  }

  private set(item: Record<string, unknown>) {
    const pk = String(item.PK);
    const partition = this.partitions.get(pk) ?? new Map();
    partition.set(String(item.SK), item);
    this.partitions.set(pk, partition);
  }

  private remove(key: { PK: string; SK: string }) {
    this.partitions.get(key.PK)?.delete(key.SK);
  }

  private write(change: AggregateChange) {
    this.transactions++;
    for (const [id, attributes] of change.adds) {
      const key = keyOfId(id);
      const item = { ...(this.get(key) ?? key) } as Record<string, unknown>;
      for (const [name, by] of attributes) item[name] = Number(item[name] ?? 0) + by;
      this.set(item);
    }
    for (const [id, attributes] of change.sets) {
      const key = keyOfId(id);
      const item = { ...(this.get(key) ?? key) } as Record<string, unknown>;
      for (const [name, values] of attributes) {
        item[name] = new Set([...((item[name] as Set<string> | undefined) ?? []), ...values]);
      }
      this.set(item);
    }
    for (const item of change.puts) this.set(storedCopy({ ...item }));
    for (const key of change.deletes) this.remove(key);
  }

  async tracked(recordId: string): Promise<Tracked | undefined> {
    const item = this.get(trackedKey(recordId));
    return item ? storedCopy({ version: Number(item.version), facts: item.facts ?? null }) : undefined;
  }

  async applyTracked(
    recordId: string,
    version: number,
    readVersion: number | undefined,
    facts: unknown,
    change: AggregateChange,
  ): Promise<'applied' | 'raced'> {
    const current = this.get(trackedKey(recordId));
    if ((current ? Number(current.version) : undefined) !== readVersion) return 'raced';
    this.write(change);
    this.set({ ...trackedKey(recordId), version, facts: storedCopy(facts ?? null) });
    return 'applied';
  }

  async applyEvent(
    factKey: string,
    change: AggregateChange,
    expiresAt?: number,
  ): Promise<'applied' | 'already'> {
    if (this.get(appliedKey(factKey))) return 'already';
    this.write(change);
    this.set({ ...appliedKey(factKey), ...(expiresAt === undefined ? {} : { expiresAt }) });
    return 'applied';
  }

  async markFresh(asOf: string): Promise<void> {
    if (this.asOf === null || this.asOf < asOf) this.asOf = asOf;
  }

  async freshness(): Promise<string | null> {
    return this.asOf;
  }

  private partition(pk: string): Record<string, unknown>[] {
    return [...(this.partitions.get(pk)?.values() ?? [])]
      .sort((a, b) => compareKeys(String(a.SK), String(b.SK)))
      .map((item) => storedCopy(item));
  }

  async readDays(pk: string, from: string, to: string) {
    const items = this.partition(pk).filter((item) => String(item.SK) >= from && String(item.SK) <= to);
    return { items, pages: 1 };
  }

  async readOpen(family: Family) {
    return this.partition(openPk(family));
  }

  async readSnapshot(family: Family, day: string) {
    if (!this.get(snapshotMarkerKey(family, day))) return undefined;
    return this.partition(snapshotPk(family, day));
  }

  async writeSnapshot(family: Family, day: string, items: readonly Item[]) {
    if (this.get(snapshotMarkerKey(family, day))) return false;
    for (const item of items) this.set({ ...storedCopy(item), PK: snapshotPk(family, day) });
    this.set({ ...snapshotMarkerKey(family, day), items: items.length });
    return true;
  }

  async readOutages(serviceId: string, fromIso: string, toIso: string) {
    return this.partition(outagePk(serviceId)).filter(
      (item) => String(item.SK) >= fromIso && String(item.SK) < toIso,
    ) as WholeItem[];
  }

  /** Every item, for tests (id → item). */
  dump(): Map<string, Record<string, unknown>> {
    const all = new Map<string, Record<string, unknown>>();
    for (const partition of this.partitions.values()) {
      for (const item of partition.values()) all.set(itemId(item as never), storedCopy(item));
    }
    return all;
  }
}
