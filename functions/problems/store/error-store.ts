import type { Page, PageRequest } from '../../shared/store.js';
import type { PublishedKnownError } from '../../tickets/known-error-suggestions.js';
import type { HistoryEntry } from '../../tickets/model.js';
import type { KnownError, KnownErrorFilter } from '../model.js';

/** One known error's part of an atomic write: the record as it becomes, and its history entry. */
export interface KnownErrorWrite {
  /** The record as read; absent when creating. The write is conditional on its version. */
  readonly before?: KnownError;
  readonly after: KnownError;
  readonly history: HistoryEntry;
}

/**
 * Writes of a known error that join a ticket commit (docs/problems.md#problems): carried by the
 * DynamoDB ticket store in its transaction; otherwise (in memory) written apart by `writeApart`.
 */
export interface KnownErrorJoin {
  readonly kind: string;
  carried(): void;
  wasCarried(): boolean;
  writeApart(): Promise<void>;
}

/** The published index (docs/problems.md#suggestions) with the version it was read at. */
export interface PublishedIndex {
  readonly version: number;
  readonly entries: readonly PublishedKnownError[];
}

export interface KnownErrorStore {
  /** Next number of the `KE` counter. */
  nextSequence(): Promise<number>;
  /** The record with its usage (one BatchGetItem of two items). */
  get(id: string): Promise<KnownError | undefined>;
  /** In the order of `ids`; absent ones left out (BatchGetItem). */
  getMany(ids: readonly string[]): Promise<KnownError[]>;
  /** Newest first; `ciId` and `problemId` read their membership partition, the rest narrow. */
  list(filter: KnownErrorFilter, page: PageRequest): Promise<Page<KnownError>>;
  /** One transaction; StaleWriteError when `before` is outdated. */
  commit(write: KnownErrorWrite): Promise<void>;
  /** The same writes, to join a ticket commit (see KnownErrorJoin). */
  join(write: KnownErrorWrite): KnownErrorJoin;
  /**
   * A condition joining a ticket commit: the problem still at `version` (so still resolved, as read).
   * Carried by the DynamoDB ticket store as a ConditionCheck; in memory nothing interleaves a commit.
   */
  problemUnchanged(problemId: string, version: number): KnownErrorJoin;
  /** The index version item alone (one strongly consistent GetItem). */
  indexVersion(): Promise<number>;
  /**
   * Every published entry (Query pages of the index partition), labelled with `knownVersion` when
   * the caller just read it (the Query follows that read, so its entries are at least as new), else
   * with the version item read first.
   */
  publishedIndex(knownVersion?: number): Promise<PublishedIndex>;
  /**
   * Usage counters from one `Known Error Applied` event, once per `eventId` (a marker item with a
   * 35-day TTL in the same transaction); false when it was counted already.
   */
  recordUsage(
    eventId: string,
    error: KnownError,
    delta: { applied: number; resolved: number },
  ): Promise<boolean>;
  /** A history entry on another record (a problem's `Problem Cascade Completed`); once per id. */
  appendHistory(recordPk: string, entry: HistoryEntry): Promise<void>;
  history(id: string, page: PageRequest): Promise<Page<HistoryEntry>>;
}
