import type { Page, PageRequest } from '../../shared/store.js';
import type { CiClass } from '../classes.js';
import type { GraphReader } from '../graph.js';
import type { Ci, CiHistoryEntry, CiStatus } from '../model.js';
import type {
  CiRelationship,
  Relationship,
  RelationshipDirection,
  RelationshipType,
} from '../relationship-types.js';

/** The list filters of GET /cis; each is served by an index, the rest narrow that one query. */
export interface CiQuery {
  /** Any of these classes (a class filter expands to its concrete subclasses). */
  readonly classes?: readonly string[];
  readonly status?: CiStatus;
  readonly environment?: string;
  readonly supportGroup?: string;
  /** `warrantyUntil` strictly before this date (YYYY-MM-DD), soonest first. */
  readonly warrantyBefore?: string;
  /** Services only, by portfolio status (GET /services). */
  readonly services?: boolean;
  readonly portfolioStatus?: string;
}

/** One CI's write: the CI as it becomes, its history entry, and the version it was read at. */
export interface CiWrite {
  /** Absent when creating; the write is conditional on its version. */
  readonly before?: Ci;
  readonly after: Ci;
  readonly history: CiHistoryEntry;
  /**
   * When `CI Warranty Expiring` is due; the sweeper's due index holds it. null: none owed (the
   * marker is removed); undefined: the marker stays as it is (the warranty did not change).
   */
  readonly warrantyNoticeAt?: string | null | undefined;
}

/** A claim another CI holds: an identifier or asset tag is unique across the CMDB. */
export class ClaimTakenError extends Error {
  constructor(
    readonly claim: 'identifier' | 'assetTag',
    readonly value: string,
    readonly heldBy: string,
  ) {
    super(`${claim} ${value} is held by ${heldBy}`);
  }
}

/** Why a relationship write was refused by a condition (nothing of it was written). */
export type RelationshipRefusal =
  | { readonly kind: 'retired'; readonly ciId: string }
  | { readonly kind: 'limit'; readonly ciId: string }
  | { readonly kind: 'contained'; readonly containedBy: string }
  | { readonly kind: 'changed' };

export class RelationshipRefusedError extends Error {
  constructor(readonly refusal: RelationshipRefusal) {
    super(`relationship refused: ${refusal.kind}`);
  }
}

/** A relationship with both CIs as read, and a history entry for each side. */
export interface RelationshipWrite {
  readonly relationship: Relationship;
  readonly source: Ci;
  readonly target: Ci;
  /** Entries for the source (carrying the event) and the target. */
  readonly history: readonly [CiHistoryEntry, CiHistoryEntry];
}

export interface RelationshipFilter {
  readonly type?: RelationshipType;
  readonly direction?: RelationshipDirection;
}

/** A stored relationship as one CI holds it (the other side's name and class are read apart). */
export type StoredRelationship = Omit<CiRelationship, 'ciName' | 'ciClass'>;

/** A CI whose warranty notice is due, from the sweeper's due index. */
export interface WarrantyDue {
  readonly ciId: string;
  readonly noticeAt: string;
}

/**
 * The CMDB's records in the single table (docs/cmdb.md#storage): CIs with their unique claims,
 * history and warranty notices; relationships stored on both CIs; classes; service memberships.
 */
export interface CmdbStore {
  getCi(id: string): Promise<Ci | undefined>;
  /** One BatchGetItem per 100 ids; absent ids are missing from the map. */
  getCis(ids: readonly string[]): Promise<Map<string, Ci>>;
  /**
   * Creates (no `before`) or updates (conditional on `before.version`) the CI with its claims,
   * history and warranty notice in one transaction. Throws StaleWriteError when `before` is
   * outdated (or the id exists on create) and ClaimTakenError when another CI holds a claim.
   * Relationship counts, containment and closures on the item are kept as they are.
   */
  putCi(write: CiWrite): Promise<void>;
  /** The CI holding an identifier (one read). */
  ciByIdentifier(identifier: string): Promise<string | undefined>;
  listCis(query: CiQuery, page: PageRequest): Promise<Page<Ci>>;
  listHistory(ciId: string, page: PageRequest): Promise<Page<CiHistoryEntry>>;

  /** The containers above a CI, nearest first (one read per level, at most `limit`); containment is rare and shallow. */
  containers(ciId: string, limit: number): Promise<string[]>;
  /** The relationship as `ciId` holds it, if present. */
  getRelationship(
    ciId: string,
    type: RelationshipType,
    direction: RelationshipDirection,
    otherId: string,
  ): Promise<StoredRelationship | undefined>;
  /**
   * Both sides, both CIs' counts (and containment), both histories in one transaction; false when
   * the relationship already exists. Throws RelationshipRefusedError when a CI became retired,
   * reached its limit or (contains) the target got a container since it was read.
   */
  addRelationship(write: RelationshipWrite): Promise<boolean>;
  /** The reverse of addRelationship; false when it was not there. */
  removeRelationship(write: RelationshipWrite): Promise<boolean>;
  listRelationships(
    ciId: string,
    filter: RelationshipFilter,
    page: PageRequest,
  ): Promise<Page<StoredRelationship>>;
  /** The impact graph as the walk reads it (docs/cmdb.md#impact-analysis). */
  graph(): GraphReader;

  /** The CIs a service's closure lists now (its membership items). */
  serviceMembers(serviceId: string): Promise<Set<string>>;
  /**
   * Adds and removes members of a service, keeping each CI's `closure.serviceIds` in step. Derived
   * bookkeeping: no history, no events, no version change.
   */
  applyServiceMembership(
    serviceId: string,
    change: {
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly truncated: boolean;
    },
    at: string,
  ): Promise<void>;

  getClass(id: string): Promise<CiClass | undefined>;
  listClasses(): Promise<CiClass[]>;
  /** Creates when `expectedVersion` is 0, else replaces that version; StaleWriteError otherwise. */
  putClass(ciClass: CiClass, expectedVersion: number): Promise<void>;

  /** Warranty notices due at or before `until`, earliest first (the sweeper's due index). */
  listWarrantyDue(until: string, page: PageRequest): Promise<Page<WarrantyDue>>;
  /**
   * Records the notice: the history entry (with its event) and removal of the due marker, in one
   * transaction conditional on the marker still being due at `noticeAt`; false when it was not.
   */
  recordWarrantyNotice(due: WarrantyDue, history: CiHistoryEntry): Promise<boolean>;
}
