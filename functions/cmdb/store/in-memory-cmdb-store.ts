import { dueIndexKeys } from '../../shared/dynamodb/due-index.js';
import { packHistoryEvents, unpackHistoryEvents } from '../../shared/dynamodb/history-item.js';
import { HISTORY_PREFIX, historyKey, withoutKeys } from '../../shared/dynamodb/keys.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { compareKeys, dynamoLikeError } from '../../shared/memory/in-memory-support.js';
import {
  type Condition,
  InMemoryTable,
  InMemoryTransactionCanceledError,
  type Item,
  type ItemKey,
  queryPageInMemory,
  type TransactAction,
} from '../../shared/memory/in-memory-table.js';
import { mergedPage } from '../../shared/merged-pages.js';
import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { CiClass } from '../classes.js';
import type { GraphEdge, GraphNode, GraphReader, ImpactDirection } from '../graph.js';
import { type Ci, type CiHistoryEntry, CMDB_LIMITS } from '../model.js';
import type { RelationshipDirection, RelationshipType } from '../relationship-types.js';
import {
  BOOKKEEPING,
  bookkeepingOf,
  ciFromItem,
  ciKey,
  ciPk,
  classKey,
  identifierClaimKey,
  impactPrefix,
  MEMBER_PREFIX,
  memberKey,
  RELATIONSHIP_PREFIX,
  relationshipSk,
  WARRANTY_DUE_PARTITION,
  warrantyKey,
} from './cmdb-keys.js';
import { type CiIndexTarget, CLASS_MERGE_KEYS, ciIndexTargets, matchesCiQuery } from './cmdb-queries.js';
import {
  type CiQuery,
  type CiWrite,
  ClaimTakenError,
  type CmdbStore,
  type RelationshipFilter,
  RelationshipRefusedError,
  type RelationshipWrite,
  type StoredRelationship,
  type WarrantyDue,
} from './cmdb-store.js';
import {
  type CountChange,
  ciItemFields,
  claimActions,
  graphNodeFrom,
  type RelationshipPlan,
  relationshipItems,
  relationshipPlan,
  storedRelationshipFrom,
} from './cmdb-writes.js';

/** As DynamoCmdbRepository: membership changes go in transactions of this many CIs. */
const MEMBERS_PER_TRANSACTION = 50;
/** How long DynamoDB remembers a transaction's ClientRequestToken. */
const TOKEN_WINDOW_MS = 10 * 60_000;

/** A DeleteItem inside a transaction (InMemoryTable has puts and updates only). */
interface DeleteAction {
  readonly delete: ItemKey;
  readonly condition?: Condition;
  readonly returnOldOnFailure?: boolean;
}
type Action = TransactAction | DeleteAction;

const absent: Condition = (current) => current === undefined;
const present: Condition = (current) => current !== undefined;

/**
 * The CmdbStore without DynamoDB, for use-case tests and anything else offline. It writes the very
 * items DynamoCmdbRepository writes (same key builders, same write plan from cmdb-writes.ts) into an
 * InMemoryTable, under the same conditions, so lists page alike and the same conditions fail; the
 * contract suite in test/cmdb/store holds both to it. Every record read is a copy.
 */
export class InMemoryCmdbStore implements CmdbStore {
  /** ClientRequestTokens of the transactions that landed: what they wrote, and when. */
  private readonly tokens = new Map<string, { readonly fingerprint: string; readonly at: number }>();

  constructor(
    readonly table: InMemoryTable = new InMemoryTable(),
    private readonly now: () => number = Date.now,
  ) {}

  async getCi(id: string): Promise<Ci | undefined> {
    const item = this.table.get(ciKey(id));
    return item ? ciFromItem(item) : undefined;
  }

  async getCis(ids: readonly string[]): Promise<Map<string, Ci>> {
    const items = this.table.batchGet([...new Set(ids)].map(ciKey));
    return new Map(items.map((item) => [item.id as string, ciFromItem(item)]));
  }

  async putCi(write: CiWrite): Promise<void> {
    const { before, after, history } = write;
    const { set, remove } = ciItemFields(after);
    const claims = claimActions(before, after);
    const actions: Action[] = [
      {
        update: ciKey(after.id),
        // Own fields and index keys only: counts, containment and closure stay as they are.
        apply: (current) => {
          const next: Item = { ...current, ...set };
          for (const attribute of remove) delete next[attribute];
          return next;
        },
        condition: before ? (current) => current?.version === before.version : absent,
        returnOldOnFailure: true,
      },
      historyPut(after.id, history),
      ...claims.map(
        (claim): Action =>
          claim.op === 'put'
            ? {
                put: { ...claim.key, ciId: after.id, claim: claim.claim, value: claim.value },
                condition: (current) => current === undefined || current.ciId === after.id,
                returnOldOnFailure: true,
              }
            : { delete: claim.key },
      ),
    ];
    if (write.warrantyNoticeAt === null) {
      actions.push({ delete: warrantyKey(after.id) });
    } else if (write.warrantyNoticeAt !== undefined) {
      actions.push({
        put: {
          ...warrantyKey(after.id),
          ...dueIndexKeys(WARRANTY_DUE_PARTITION, write.warrantyNoticeAt, after.id),
          ciId: after.id,
          noticeAt: write.warrantyNoticeAt,
        },
      });
    }
    try {
      this.transact(actions, history.id, { putCi: write });
    } catch (error) {
      if (!(error instanceof InMemoryTransactionCanceledError)) throw error;
      const reasons = error.reasons;
      if (reasons[0]?.code === 'ConditionalCheckFailed') {
        throw new StaleWriteError(after.id, reasons[0].item?.version as number | undefined);
      }
      claims.forEach((claim, index) => {
        const reason = reasons[index + 2];
        if (claim.op === 'put' && reason?.code === 'ConditionalCheckFailed') {
          throw new ClaimTakenError(claim.claim, claim.value, String(reason.item?.ciId ?? 'another CI'));
        }
      });
      throw error;
    }
  }

  async ciByIdentifier(identifier: string): Promise<string | undefined> {
    return this.table.get(identifierClaimKey(identifier))?.ciId as string | undefined;
  }

  listCis(query: CiQuery, page: PageRequest): Promise<Page<Ci>> {
    const targets = ciIndexTargets(query);
    if (targets.length === 1) return Promise.resolve(this.listTarget(targets[0]!, query, page));
    return mergedPage(
      targets.map((target) => target.value),
      page,
      async (value, request) => this.listTarget(targets.find((t) => t.value === value)!, query, request),
      CLASS_MERGE_KEYS,
    );
  }

  private listTarget(target: CiIndexTarget, query: CiQuery, page: PageRequest): Page<Ci> {
    const below = target.below;
    return queryPageInMemory(
      this.table,
      {
        index: target.index,
        partition: target.value,
        ...(below !== undefined && { range: (sortKey: string) => compareKeys(sortKey, below) < 0 }),
        forward: true,
      },
      page.limit,
      page.startKey,
      (item) => {
        const ci = ciFromItem(item);
        return matchesCiQuery(ci, query) ? ci : undefined;
      },
    );
  }

  async listHistory(ciId: string, page: PageRequest): Promise<Page<CiHistoryEntry>> {
    return queryPageInMemory(
      this.table,
      { partition: ciPk(ciId), range: (sortKey) => sortKey.startsWith(HISTORY_PREFIX), forward: true },
      page.limit,
      page.startKey,
      (item) => unpackHistoryEvents(withoutKeys<CiHistoryEntry>(item)),
    );
  }

  async containers(ciId: string, limit: number): Promise<string[]> {
    const chain: string[] = [];
    let current: string | null = ciId;
    while (current && chain.length < limit) {
      const item = this.table.get(ciKey(current));
      current = item ? bookkeepingOf(item).containedBy : null;
      if (current) {
        if (chain.includes(current)) break;
        chain.push(current);
      }
    }
    return chain;
  }

  async getRelationship(
    ciId: string,
    type: RelationshipType,
    direction: RelationshipDirection,
    otherId: string,
  ): Promise<StoredRelationship | undefined> {
    const item = this.table.get({ PK: ciPk(ciId), SK: relationshipSk(type, direction, otherId) });
    return item ? storedRelationshipFrom(item) : undefined;
  }

  async addRelationship(write: RelationshipWrite): Promise<boolean> {
    return this.writeRelationship(relationshipPlan(write, 'add'));
  }

  async removeRelationship(write: RelationshipWrite): Promise<boolean> {
    return this.writeRelationship(relationshipPlan(write, 'remove'));
  }

  private writeRelationship(plan: RelationshipPlan): boolean {
    const actions: Action[] = [
      ...relationshipItems(plan).map(
        (item): Action =>
          plan.op === 'add'
            ? { put: item, condition: absent }
            : { delete: { PK: String(item.PK), SK: String(item.SK) }, condition: present },
      ),
      ...plan.counts.map(
        (count): Action => ({
          update: ciKey(count.ciId),
          apply: (current) => applyCount(count, current),
          condition: (current) => countHolds(count, current),
          returnOldOnFailure: true,
        }),
      ),
      ...plan.history.map(([ciId, entry]) => historyPut(ciId, entry)),
    ];
    try {
      this.transact(actions, plan.write.history[0].id, { [plan.op]: plan.write });
      return true;
    } catch (error) {
      if (!(error instanceof InMemoryTransactionCanceledError)) throw error;
      const reasons = error.reasons;
      // The relationship items come first: already there (add) or already gone (remove).
      if (reasons[0]?.code === 'ConditionalCheckFailed' || reasons[1]?.code === 'ConditionalCheckFailed')
        return false;
      plan.counts.forEach((count, index) => {
        const reason = reasons[index + 2];
        if (reason?.code === 'ConditionalCheckFailed')
          throw new RelationshipRefusedError(count.refusal(reason.item));
      });
      throw error;
    }
  }

  async listRelationships(
    ciId: string,
    filter: RelationshipFilter,
    page: PageRequest,
  ): Promise<Page<StoredRelationship>> {
    return queryPageInMemory(
      this.table,
      { partition: ciPk(ciId), range: (sortKey) => sortKey.startsWith(RELATIONSHIP_PREFIX), forward: true },
      page.limit,
      page.startKey,
      (item) => {
        const stored = storedRelationshipFrom(item);
        if (filter.type !== undefined && stored.type !== filter.type) return undefined;
        if (filter.direction !== undefined && stored.direction !== filter.direction) return undefined;
        return stored;
      },
    );
  }

  graph(): GraphReader {
    return {
      edges: async (ids, direction) => this.edges(ids, direction),
      nodes: async (ids) => {
        const items = this.table.batchGet(ids.map(ciKey));
        return new Map<string, GraphNode>(items.map((item) => [item.id as string, graphNodeFrom(item)]));
      },
    };
  }

  private edges(ids: readonly string[], direction: ImpactDirection): Map<string, GraphEdge[]> {
    const prefix = impactPrefix(direction === 'downstream' ? 'D' : 'U');
    const result = new Map<string, GraphEdge[]>();
    for (const id of ids) {
      const { items } = this.table.query({
        partition: ciPk(id),
        range: (sortKey) => sortKey.startsWith(prefix),
      });
      result.set(
        id,
        items.map((item) => {
          const stored = storedRelationshipFrom(item);
          return direction === 'downstream'
            ? { from: id, to: stored.ciId, type: stored.type }
            : { from: stored.ciId, to: id, type: stored.type };
        }),
      );
    }
    return result;
  }

  async serviceMembers(serviceId: string): Promise<Set<string>> {
    const { items } = this.table.query({
      partition: memberKey(serviceId, '').PK,
      range: (sortKey) => sortKey.startsWith(MEMBER_PREFIX),
    });
    return new Set(items.map((item) => String(item.SK).slice(MEMBER_PREFIX.length)));
  }

  async applyServiceMembership(
    serviceId: string,
    change: {
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly truncated: boolean;
    },
    at: string,
  ): Promise<void> {
    const perCi = [
      ...change.added.map((ciId) => ({ ciId, add: true })),
      ...change.removed.map((ciId) => ({ ciId, add: false })),
    ];
    // The DynamoDB adapter sends its chunks at once: one failing leaves the others applied.
    let failure: unknown;
    for (let start = 0; start < perCi.length; start += MEMBERS_PER_TRANSACTION) {
      const chunk = perCi.slice(start, start + MEMBERS_PER_TRANSACTION);
      try {
        this.transact(
          chunk.flatMap(({ ciId, add }): Action[] => [
            add ? { put: { ...memberKey(serviceId, ciId), at } } : { delete: memberKey(serviceId, ciId) },
            {
              update: ciKey(ciId),
              apply: (current) => {
                const services = new Set(closureServicesOf(current));
                if (add) services.add(serviceId);
                else services.delete(serviceId);
                const next: Item = {
                  ...current,
                  [BOOKKEEPING.closureAt]: at,
                  [BOOKKEEPING.closureTruncated]: change.truncated,
                };
                // DynamoDB keeps no empty set: deleting the last member removes the attribute.
                if (services.size > 0) next[BOOKKEEPING.closureServices] = services;
                else delete next[BOOKKEEPING.closureServices];
                return next;
              },
              condition: present,
            },
          ]),
        );
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  async getClass(id: string): Promise<CiClass | undefined> {
    const item = this.table.get(classKey(id));
    return item ? withoutKeys<CiClass>(item) : undefined;
  }

  async listClasses(): Promise<CiClass[]> {
    const { items } = this.table.query({ index: 'byKind', partition: 'CICLASS' });
    return items.map((item) => withoutKeys<CiClass>(item));
  }

  async putClass(ciClass: CiClass, expectedVersion: number): Promise<void> {
    try {
      this.transact([
        {
          put: {
            ...classKey(ciClass.id),
            [INDEXES.byKind.partitionKey]: 'CICLASS',
            [LIST_SORT_KEY]: ciClass.id,
            ...ciClass,
          },
          condition:
            expectedVersion === 0
              ? absent
              : (current: Item | undefined) => current?.version === expectedVersion,
        },
      ]);
    } catch (error) {
      if (error instanceof InMemoryTransactionCanceledError) throw new StaleWriteError(ciClass.id);
      throw error;
    }
  }

  async listWarrantyDue(until: string, page: PageRequest): Promise<Page<WarrantyDue>> {
    const last = `${until}#~`;
    return queryPageInMemory(
      this.table,
      {
        index: 'bySlaDeadline',
        partition: WARRANTY_DUE_PARTITION,
        range: (sortKey) => compareKeys(sortKey, last) <= 0,
      },
      page.limit,
      page.startKey,
      (item) => ({ ciId: String(item.ciId), noticeAt: String(item.noticeAt) }),
    );
  }

  async recordWarrantyNotice(due: WarrantyDue, history: CiHistoryEntry): Promise<boolean> {
    try {
      this.transact(
        [
          { delete: warrantyKey(due.ciId), condition: (current) => current?.noticeAt === due.noticeAt },
          historyPut(due.ciId, history),
        ],
        history.id,
        { warranty: due, history },
      );
      return true;
    } catch (error) {
      if (
        error instanceof InMemoryTransactionCanceledError &&
        error.reasons[0]?.code === 'ConditionalCheckFailed'
      )
        return false;
      throw error;
    }
  }

  /**
   * TransactWriteItems with deletes: a delete takes its place in the table's transaction as a
   * conditional no-op update (so conditions, duplicate keys and action counts are checked as one),
   * and its item goes once the rest has landed, before anything else can run. `token`: the
   * ClientRequestToken; the same request again within 10 minutes succeeds without writing.
   */
  private transact(actions: readonly Action[], token?: string, request?: unknown): void {
    const fingerprint = token === undefined ? '' : JSON.stringify(request);
    if (token !== undefined) {
      const seen = this.tokens.get(token);
      if (seen && this.now() - seen.at < TOKEN_WINDOW_MS) {
        if (seen.fingerprint === fingerprint) return;
        throw dynamoLikeError(
          'IdempotentParameterMismatchException',
          `token ${token} was used with different parameters`,
        );
      }
    }
    this.table.transactWrite(
      actions.map(
        (action): TransactAction =>
          'delete' in action
            ? {
                update: action.delete,
                apply: (current) => current ?? {},
                ...(action.condition && { condition: action.condition }),
                ...(action.returnOldOnFailure && { returnOldOnFailure: true }),
              }
            : action,
      ),
    );
    for (const action of actions) if ('delete' in action) deleteItem(this.table, action.delete);
    if (token !== undefined) this.tokens.set(token, { fingerprint, at: this.now() });
  }
}

function historyPut(ciId: string, history: CiHistoryEntry): Action {
  return {
    put: { ...historyKey(ciPk(ciId), history.at, history.id), ...packHistoryEvents(history) },
    condition: absent,
  };
}

/** The count's condition, as cmdb-writes.ts `countChange` states it for DynamoDB. */
function countHolds(count: CountChange, current: Item | undefined): boolean {
  if (current === undefined) return false;
  if (count.guard !== 'add') return true;
  const limited = current[count.limitAttribute];
  return (
    current.status !== 'retired' &&
    (limited === undefined || Number(limited) < CMDB_LIMITS.relationshipsPerDirection) &&
    (count.containedBy === undefined || current[BOOKKEEPING.containedBy] === undefined)
  );
}

/** The count's update: ADD each delta; containment set on an add, removed on a remove. */
function applyCount(count: CountChange, current: Item | undefined): Item {
  const next: Item = { ...current };
  for (const [attribute, delta] of Object.entries(count.deltas))
    next[attribute] = Number(next[attribute] ?? 0) + delta;
  if (count.containedBy !== undefined) {
    if (count.guard === 'add') next[BOOKKEEPING.containedBy] = count.containedBy;
    else delete next[BOOKKEEPING.containedBy];
  }
  return next;
}

function closureServicesOf(item: Item | undefined): string[] {
  const services = item?.[BOOKKEEPING.closureServices];
  return services instanceof Set ? [...(services as Set<string>)] : [];
}

/**
 * DeleteItem. InMemoryTable has no delete yet, so this reaches its item map; it fails loudly if
 * that map is ever renamed, rather than leaving items behind.
 */
function deleteItem(table: InMemoryTable, key: ItemKey): void {
  const items = (table as unknown as { readonly items?: unknown }).items;
  if (!(items instanceof Map)) throw new Error('InMemoryTable keeps no item map to delete from');
  for (const [id, item] of items as Map<string, Item>) {
    if (item.PK === key.PK && item.SK === key.SK) {
      items.delete(id);
      return;
    }
  }
}
