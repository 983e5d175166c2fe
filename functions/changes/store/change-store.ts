import type { Page, PageRequest } from '../../shared/store.js';
import type {
  ApprovalStage,
  Change,
  ChangeHistoryEntry,
  ChangeStatus,
  ChangeType,
  FreezeWindow,
} from '../model.js';

/** Which human answer a task token waits for: one group's approval, the implementation, the review. */
export type CallbackKey =
  | { readonly kind: 'approval'; readonly stage: ApprovalStage; readonly group: string }
  | { readonly kind: 'implementation' }
  | { readonly kind: 'review' };

/**
 * A workflow task token waiting for a person, kept on its own item under the change. The token is
 * never part of the change record, so no response can leak it; it never appears in a URL either.
 */
export interface PendingCallback {
  readonly key: CallbackKey;
  /** Null once answered: a used token is dead, and keeping it would only keep a secret around. */
  readonly taskToken: string | null;
  readonly state: 'open' | 'answered';
  readonly updatedAt: string;
}

/**
 * How a commit touches the callback item:
 * - `register`: the workflow stores a fresh token (only while the callback is absent or open);
 * - `answer`: the API claims it exactly once (only while open with that very token);
 * - `reopen`: the API gives a claim back when the token turned out dead;
 * - `retire`: the workflow drops a token it knows is dead (an approval's, at escalation), so the API
 *   waits for the next one instead of answering a task that timed out.
 */
export type CallbackWrite =
  | { readonly op: 'register'; readonly key: CallbackKey; readonly taskToken: string }
  | { readonly op: 'answer'; readonly key: CallbackKey; readonly taskToken: string }
  | { readonly op: 'reopen'; readonly key: CallbackKey }
  | { readonly op: 'retire'; readonly key: CallbackKey };

/** One atomic step: the change as it becomes, its history entry, and optionally its callback. */
export interface ChangeWrite {
  /** As read; absent when creating. The write is conditional on its version. */
  readonly before?: Change;
  readonly after: Change;
  readonly history: ChangeHistoryEntry;
  readonly callback?: CallbackWrite;
  /**
   * Live business services the change's closures list (the assessment's): one item per service
   * (`CHANGE#id / SERVICE#serviceId`, in byCi under `change-service#<serviceId>`), written once, so a
   * `shared_service` check reads one key range per service.
   */
  readonly services?: readonly string[];
}

/** The callback item was not in the state the write required (answered already, or re-registered). */
export class CallbackConflictError extends Error {
  constructor(
    readonly changeId: string,
    readonly key: CallbackKey,
  ) {
    super(`the ${key.kind} callback of ${changeId} is not in the expected state`);
  }
}

export interface ChangeQuery {
  readonly status?: ChangeStatus;
  readonly type?: ChangeType;
  readonly requester?: string;
  readonly ciId?: string;
}

/** A change's claim on a CI for a window, as the per-CI items record it. */
export interface ChangeWindow {
  readonly changeId: string;
  readonly plannedStart: string;
  readonly plannedEnd: string;
}

/** A change's claim on a service (through its CIs' closures) for a window. */
export interface ServiceWindow extends ChangeWindow {
  readonly serviceId: string;
}

export interface ChangeStore {
  nextSequence(): Promise<number>;
  get(id: string): Promise<Change | undefined>;
  getMany(ids: readonly string[]): Promise<Change[]>;
  /** One transaction; StaleWriteError when `before` is outdated, CallbackConflictError for the callback. */
  commit(write: ChangeWrite): Promise<void>;
  list(query: ChangeQuery, page: PageRequest): Promise<Page<Change>>;
  /** Changes created in [from, to) (ISO instants), newest first, through the `byKind` index: the report rebuild's pages. */
  listCreatedBetween(from: string, to: string, page: PageRequest): Promise<Page<Change>>;
  listHistory(changeId: string, page: PageRequest): Promise<Page<ChangeHistoryEntry>>;
  /** Windows on any of these CIs that start in [from, to): the candidates an overlap check needs. */
  windowsOnCis(ciIds: readonly string[], from: string, to: string): Promise<ChangeWindow[]>;
  /**
   * Windows whose changes' closures list any of these services, starting in [from, to): one key
   * range per service; at most MAX_WINDOWS_PER_SERVICE per service (the earliest), never an error.
   */
  windowsOnServices(serviceIds: readonly string[], from: string, to: string): Promise<ServiceWindow[]>;
  getCallback(changeId: string, key: CallbackKey): Promise<PendingCallback | undefined>;
  /** Stores a fresh token on an absent or open callback (a re-request after escalation); else CallbackConflictError. */
  registerCallback(changeId: string, key: CallbackKey, taskToken: string, at: string): Promise<void>;
}

export interface FreezeWindowStore {
  get(id: string): Promise<FreezeWindow | undefined>;
  /** Creates when `expectedVersion` is 0, else replaces that version; StaleWriteError otherwise. */
  put(window: FreezeWindow, expectedVersion: number): Promise<void>;
  /** Ordered by start. */
  list(page: PageRequest): Promise<Page<FreezeWindow>>;
  /** Freeze windows overlapping [from, to). */
  overlapping(from: string, to: string): Promise<FreezeWindow[]>;
}
