import type { AggregateChange, WholeItem } from '../ledger.js';
import type { Family } from './report-keys.js';

/** What the aggregator has counted of a ticket or change: the version and the facts. */
export interface Tracked {
  readonly version: number;
  /** null once the record is gone. */
  readonly facts: unknown;
}

export type Item = Readonly<Record<string, unknown>>;

/**
 * The report aggregates (functions/reports/store/report-keys.ts lists the items). Writes are one
 * transaction each; reads are single-partition Queries or GetItems (no scans).
 */
export interface ReportsStore {
  /** What is counted of a record (consistent read), or undefined when nothing is. */
  tracked(recordId: string): Promise<Tracked | undefined>;
  /**
   * Applies `change` and moves the record's marker to `version` with `facts`, in one transaction
   * conditional on the marker still being at `readVersion` (undefined: absent). 'raced' when another
   * writer moved it first (nothing written; re-read and recompute).
   */
  applyTracked(
    recordId: string,
    version: number,
    readVersion: number | undefined,
    facts: unknown,
    change: AggregateChange,
  ): Promise<'applied' | 'raced'>;
  /**
   * Applies a fact's change once under its key (a survey's sending, answer…): 'already' when its
   * marker exists (nothing written). The marker expires at `expiresAt` (epoch seconds) if given.
   */
  applyEvent(factKey: string, change: AggregateChange, expiresAt?: number): Promise<'applied' | 'already'>;
  /** Raises the freshness mark to `asOf` (never lowers it). */
  markFresh(asOf: string): Promise<void>;
  freshness(): Promise<string | null>;
  /** Day items of one partition with `from ≤ SK ≤ to`, and the pages the read took. */
  readDays(pk: string, from: string, to: string): Promise<{ items: Item[]; pages: number }>;
  /** Every backlog item of a family (one partition). */
  readOpen(family: Family): Promise<Item[]>;
  /** The snapshot of a family's backlog at the end of `day`; undefined when none was written. */
  readSnapshot(family: Family, day: string): Promise<Item[] | undefined>;
  /** Writes a snapshot once (false when it exists); items keep their SK and attributes. */
  writeSnapshot(family: Family, day: string, items: readonly Item[]): Promise<boolean>;
  /** Outage intervals of a service starting in `[fromIso, toIso)`. */
  readOutages(serviceId: string, fromIso: string, toIso: string): Promise<WholeItem[]>;
}
