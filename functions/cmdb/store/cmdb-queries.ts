import { INDEXES, type IndexName, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { MergeKeys } from '../../shared/merged-pages.js';
import type { Ci } from '../model.js';
import { ciKey, WARRANTY_PARTITION } from './cmdb-keys.js';
import type { CiQuery } from './cmdb-store.js';

/** Whether a CI satisfies every filter of the query (both adapters narrow by this). */
export function matchesCiQuery(ci: Ci, query: CiQuery): boolean {
  return (
    (query.classes === undefined || query.classes.includes(ci.class)) &&
    (query.status === undefined || ci.status === query.status) &&
    (query.environment === undefined || ci.environment === query.environment) &&
    (query.supportGroup === undefined || ci.supportGroup === query.supportGroup) &&
    (query.warrantyBefore === undefined ||
      (ci.asset.warrantyUntil !== undefined && ci.asset.warrantyUntil < query.warrantyBefore)) &&
    (query.services !== true || ci.service !== undefined) &&
    (query.portfolioStatus === undefined || ci.service?.portfolioStatus === query.portfolioStatus)
  );
}

/** One index partition a CI query reads; `range` bounds its sort key (warranty dates). */
export interface CiIndexTarget {
  readonly index: IndexName;
  readonly value: string;
  /** Sort keys strictly below this value (the warranty index is sorted by date). */
  readonly below?: string;
}

/**
 * The index partitions a CI query reads, most selective first; the other filters narrow. Several
 * partitions (a class with subclasses) are merged in id order.
 */
export function ciIndexTargets(query: CiQuery): CiIndexTarget[] {
  if (query.warrantyBefore !== undefined)
    return [{ index: 'bySlaDeadline', value: WARRANTY_PARTITION, below: query.warrantyBefore }];
  if (query.supportGroup !== undefined) return [{ index: 'byGroup', value: `ci#${query.supportGroup}` }];
  if (query.portfolioStatus !== undefined)
    return [{ index: 'byAssignee', value: `service#${query.portfolioStatus}` }];
  if (query.classes !== undefined) return query.classes.map((c) => ({ index: 'byType', value: `ci#${c}` }));
  if (query.services) return [{ index: 'byRequester', value: 'SERVICE' }];
  if (query.status !== undefined) return [{ index: 'byStatus', value: `ci#${query.status}` }];
  if (query.environment !== undefined) return [{ index: 'byPriority', value: `ci-env#${query.environment}` }];
  return [{ index: 'byKind', value: 'CI' }];
}

/** How lists over several class partitions merge and resume: by id, each partition its own key. */
export const CLASS_MERGE_KEYS: MergeKeys<Ci> = {
  ascending: true,
  sortKeyOf: (ci) => ci.id,
  frontierOf: (lastKey) => String(lastKey[LIST_SORT_KEY]),
  resumeKeyOf: (ci) => ({
    ...ciKey(ci.id),
    [INDEXES.byType.partitionKey]: `ci#${ci.class}`,
    [LIST_SORT_KEY]: ci.id,
  }),
};
