/**
 * The one definition of the single table. The CDK data construct and the local runtime's
 * CreateTable both read it, so the two can never drift apart.
 */
export interface IndexDefinition {
  /** Index name, also used by the repository when it queries. */
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;

/** Sort key shared by every list index: `<createdAt>#<id>` sorts newest last, ids break ties. */
export const LIST_SORT_KEY = 'listSk';

/**
 * One sparse GSI per ticket filter (docs/api.md#lists-and-pagination). An item is in an index only when it carries that
 * index's partition-key attribute, so a ticket without an assignee is absent from `byAssignee`.
 * `byKind` lists every record of a kind (tickets, groups, ...) without a Scan.
 */
export const INDEXES = {
  byKind: { name: 'byKind', partitionKey: 'kindPk', sortKey: LIST_SORT_KEY },
  byType: { name: 'byType', partitionKey: 'typePk', sortKey: LIST_SORT_KEY },
  byStatus: { name: 'byStatus', partitionKey: 'statusPk', sortKey: LIST_SORT_KEY },
  byPriority: { name: 'byPriority', partitionKey: 'priorityPk', sortKey: LIST_SORT_KEY },
  byAssignee: { name: 'byAssignee', partitionKey: 'assigneePk', sortKey: LIST_SORT_KEY },
  byGroup: { name: 'byGroup', partitionKey: 'groupPk', sortKey: LIST_SORT_KEY },
  byRequester: { name: 'byRequester', partitionKey: 'requesterPk', sortKey: LIST_SORT_KEY },
  byCi: { name: 'byCi', partitionKey: 'ciPk', sortKey: LIST_SORT_KEY },
  /**
   * Sparse: only tickets the sweeper must visit (a running SLA clock, a deferred SLA notification,
   * or a resolved ticket awaiting auto-close), sorted by the next instant it must act. The sweeper reads `slaSk <= now`, so its cost grows with
   * what is due, not with the table.
   */
  bySlaDeadline: { name: 'bySlaDeadline', partitionKey: 'slaPk', sortKey: 'slaSk' },
} as const satisfies Record<string, IndexDefinition>;

export type IndexName = keyof typeof INDEXES;

/** Attribute DynamoDB TTL reads (idempotency records expire through it; never used as a timer). */
export const TTL_ATTRIBUTE = 'expiration';

export const TABLE_DEFINITION = {
  keys: TABLE_KEYS,
  indexes: Object.values(INDEXES) as readonly IndexDefinition[],
  ttlAttribute: TTL_ATTRIBUTE,
  /** Stream view the outbox publisher needs: the new image carries the event to publish. */
  streamView: 'NEW_AND_OLD_IMAGES',
} as const;

/** Every attribute that appears in a key of the table or an index (all strings). */
export function keyAttributeNames(): string[] {
  const names = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of TABLE_DEFINITION.indexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names];
}
