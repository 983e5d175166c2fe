import type { Page, PageRequest } from '../../shared/store.js';
import type { CommitCompanion } from '../../tickets/store/ticket-store.js';
import type { CatalogHistoryEntry, CatalogItem, CatalogItemStatus } from '../model.js';

export interface CatalogQuery {
  readonly status?: CatalogItemStatus;
  readonly serviceId?: string;
  readonly category?: string;
  /** Narrowing the domain applies (a requester's audience); the adapters run it on each item read. */
  readonly accept?: (item: CatalogItem) => boolean;
}

export function matchesCatalogQuery(item: CatalogItem, query: CatalogQuery): boolean {
  return (
    (query.status === undefined || item.status === query.status) &&
    (query.serviceId === undefined || item.serviceId === query.serviceId) &&
    (query.category === undefined || item.category === query.category) &&
    (query.accept === undefined || query.accept(item))
  );
}

/** A request's approval timer that is due. */
export interface ApprovalDue {
  readonly ticketId: string;
  readonly dueAt: string;
}

export interface CatalogStore {
  get(id: string): Promise<CatalogItem | undefined>;
  /**
   * Writes the item and its history entry in one transaction; `expectedVersion` 0 creates (fails
   * if it exists), else replaces exactly that version. StaleWriteError otherwise.
   */
  put(item: CatalogItem, expectedVersion: number, history: CatalogHistoryEntry): Promise<void>;
  /** One indexed query per page (status, service or all), sorted by id; other filters narrow it. */
  list(query: CatalogQuery, page: PageRequest): Promise<Page<CatalogItem>>;
  /** Requests whose approval timer is due at or before `until`, earliest first (the sweeper's due index). */
  listApprovalDue(until: string, page: PageRequest): Promise<Page<ApprovalDue>>;
  /**
   * The request's timer set to `dueAt` (null: none) as writes a ticket store of the same kind
   * carries in its commit's transaction; undefined when this store cannot join one.
   */
  approvalDueCompanion(
    ticketId: string,
    dueAt: string | null,
  ): (CommitCompanion & { wasCarried(): boolean }) | undefined;
  /** The same write on its own (when the ticket store could not carry it). */
  setApprovalDue(ticketId: string, dueAt: string | null): Promise<void>;
}
