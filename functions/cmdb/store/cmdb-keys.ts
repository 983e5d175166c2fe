import { dueIndexKeys } from '../../shared/dynamodb/due-index.js';
import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { CI_INPUT_FIELDS, type Ci, isServiceClass } from '../model.js';
import {
  type ImpactSide,
  impactSide,
  type RelationshipDirection,
  type RelationshipType,
} from '../relationship-types.js';

/**
 * CMDB items in the single table (docs/cmdb.md#storage):
 *   CI#<id>            CI                                   the CI (list indexes, overloaded with `ci#` values)
 *   CI#<id>            R#<D|U|N>#<type>#<out|in>#<other>    one side of a relationship
 *   CI#<id>            WARRANTY                             the warranty notice owed (sweeper due index)
 *   CI#<id>            HISTORY#<at>#<ulid>                  history (shared/dynamodb/keys.ts)
 *   CIID#<identifier>  CLAIM                                who holds an identifier
 *   CIASSET#<tag>      CLAIM                                who holds an asset tag
 *   CICLASS#<id>       CICLASS                              a class
 *   SERVICE#<id>       MEMBER#<ciId>                        a service's closure member
 */
export const ciPk = (id: string) => `CI#${id}`;
export const ciKey = (id: string) => ({ PK: ciPk(id), SK: 'CI' });
export const identifierClaimKey = (identifier: string) => ({ PK: `CIID#${identifier}`, SK: 'CLAIM' });
export const assetTagClaimKey = (tag: string) => ({ PK: `CIASSET#${tag}`, SK: 'CLAIM' });
export const classKey = (id: string) => ({ PK: `CICLASS#${id}`, SK: 'CICLASS' });
export const warrantyKey = (ciId: string) => ({ PK: ciPk(ciId), SK: 'WARRANTY' });
export const memberKey = (serviceId: string, ciId: string) => ({
  PK: `SERVICE#${serviceId}`,
  SK: `MEMBER#${ciId}`,
});
export const MEMBER_PREFIX = 'MEMBER#';
export const RELATIONSHIP_PREFIX = 'R#';

export function relationshipSk(
  type: RelationshipType,
  direction: RelationshipDirection,
  otherId: string,
): string {
  return `R#${impactSide(type, direction)}#${type}#${direction}#${otherId}`;
}

/** The key range a walk reads: relationships along which this CI's failure spreads, or arrives. */
export function impactPrefix(side: Extract<ImpactSide, 'D' | 'U'>): string {
  return `R#${side}#`;
}

/** Partition values of the due index (bySlaDeadline), beside the tickets' `SLA`. */
export const WARRANTY_DUE_PARTITION = 'CI-WARRANTY-DUE';
/** The CI item's place in the same index for `warrantyBefore` (sorted by expiry). */
export const WARRANTY_PARTITION = 'CI-WARRANTY';

/**
 * The CI item's index attributes. The list indexes are shared with tickets and told apart by
 * their `ci…#` values (overloaded GSIs); every CI list is sorted by id.
 */
export function ciIndexKeys(ci: Ci): Record<string, string> {
  const keys: Record<string, string> = {
    [INDEXES.byKind.partitionKey]: 'CI',
    [INDEXES.byType.partitionKey]: `ci#${ci.class}`,
    [INDEXES.byStatus.partitionKey]: `ci#${ci.status}`,
    [INDEXES.byPriority.partitionKey]: `ci-env#${ci.environment}`,
    [LIST_SORT_KEY]: ci.id,
  };
  if (ci.supportGroup) keys[INDEXES.byGroup.partitionKey] = `ci#${ci.supportGroup}`;
  if (isServiceClass(ci.class) && ci.service) {
    keys[INDEXES.byRequester.partitionKey] = 'SERVICE';
    keys[INDEXES.byAssignee.partitionKey] = `service#${ci.service.portfolioStatus}`;
  }
  if (ci.asset.warrantyUntil)
    Object.assign(keys, dueIndexKeys(WARRANTY_PARTITION, ci.asset.warrantyUntil, ci.id));
  return keys;
}

/** Index attributes a CI item may carry, so an update removes those a new version lacks. */
export const CI_INDEX_ATTRIBUTES = [
  INDEXES.byKind.partitionKey,
  INDEXES.byType.partitionKey,
  INDEXES.byStatus.partitionKey,
  INDEXES.byPriority.partitionKey,
  INDEXES.byGroup.partitionKey,
  INDEXES.byRequester.partitionKey,
  INDEXES.byAssignee.partitionKey,
  INDEXES.bySlaDeadline.partitionKey,
  INDEXES.bySlaDeadline.sortKey,
  LIST_SORT_KEY,
] as const;

/**
 * Bookkeeping attributes on the CI item that CI writes leave alone: relationship counts, the
 * container, closures. Kept apart from the CI's own fields so a PUT never overwrites them.
 */
export const BOOKKEEPING = {
  out: 'relationshipsOut',
  in: 'relationshipsIn',
  impactIn: 'impactInDegree',
  containedBy: 'containedBy',
  closureServices: 'closureServiceIds',
  closureAt: 'closureComputedAt',
  closureTruncated: 'closureTruncated',
} as const;

/** The fields a CI write sets (everything of the CI but its closure, which the maintainer keeps). */
export const CI_OWN_FIELDS = [
  'id',
  ...CI_INPUT_FIELDS,
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Ci)[];

/** The CI from its stored item: own fields, plus the closure from its bookkeeping. */
export function ciFromItem(item: Record<string, unknown>): Ci {
  const ci: Record<string, unknown> = {};
  for (const field of CI_OWN_FIELDS) if (item[field] !== undefined) ci[field] = item[field];
  const services = item[BOOKKEEPING.closureServices];
  ci.closure = {
    serviceIds: services instanceof Set ? [...(services as Set<string>)].sort() : [],
    computedAt: (item[BOOKKEEPING.closureAt] as string | undefined) ?? null,
    truncated: item[BOOKKEEPING.closureTruncated] === true,
  };
  return ci as unknown as Ci;
}

/** Graph facts the walk needs from a CI item (counts kept by relationship writes). */
export function bookkeepingOf(item: Record<string, unknown>): {
  out: number;
  in: number;
  impactIn: number;
  containedBy: string | null;
} {
  return {
    out: Number(item[BOOKKEEPING.out] ?? 0),
    in: Number(item[BOOKKEEPING.in] ?? 0),
    impactIn: Number(item[BOOKKEEPING.impactIn] ?? 0),
    containedBy: (item[BOOKKEEPING.containedBy] as string | undefined) ?? null,
  };
}
