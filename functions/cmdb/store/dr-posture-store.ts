import type { Page, PageRequest } from '../../shared/store.js';
import type { DrPostureItem, DrState } from '../dr-posture.js';

/**
 * What the disaster-recovery posture keeps (docs/reports.md#disaster-recovery-posture), derived
 * bookkeeping beside the CMDB in the single table:
 *   CI#<id>               DRSTATE              one CI's standing and its revision (the write condition)
 *   DRPOSTURE#UNCOVERED   <criticality>#<id>   an uncovered in-scope CI, its report row (a sparse
 *                                              partition: only uncovered CIs have an item)
 *   DRPOSTURE             COUNTS               {inScope, uncovered, asOf}, kept with ADD
 * A state change is one transaction: the state (conditional on its revision), the row moved, the
 * counts' deltas; so the counts always equal the rows and states they were written with.
 */
export interface StoredDrState extends DrState {
  /** 0: none stored yet. */
  readonly revision: number;
}

export interface DrPostureCounts {
  readonly inScope: number;
  readonly uncovered: number;
  /** The newest event applied (its `at`); null before any. */
  readonly asOf: string | null;
}

export interface DrPostureStore {
  /** The CI's stored standing; revision 0 and out of scope when none is stored. */
  getState(ciId: string): Promise<StoredDrState>;
  /**
   * Moves the CI from `before` (as read) to `after` in one transaction; StaleWriteError when
   * another writer moved it first (re-read and decide again).
   */
  saveState(ciId: string, before: StoredDrState, after: DrState): Promise<void>;
  /** Raises `asOf` to `at` (never lowers it). */
  touch(at: string): Promise<void>;
  /** The counts item (one GetItem). */
  counts(): Promise<DrPostureCounts>;
  /** Uncovered rows by criticality then id (one Query page). */
  uncovered(page: PageRequest): Promise<Page<DrPostureItem>>;
}

export const DR_STATE_SK = 'DRSTATE';
export const DR_UNCOVERED_PARTITION = 'DRPOSTURE#UNCOVERED';
export const DR_COUNTS_KEY = { PK: 'DRPOSTURE', SK: 'COUNTS' } as const;
