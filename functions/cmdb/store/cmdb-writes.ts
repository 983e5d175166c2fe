import type { GraphNode } from '../graph.js';
import { type Ci, type CiHistoryEntry, CMDB_LIMITS, isServiceClass } from '../model.js';
import {
  impactSide,
  labelFor,
  type RelationshipDirection,
  type RelationshipType,
} from '../relationship-types.js';
import {
  assetTagClaimKey,
  BOOKKEEPING,
  bookkeepingOf,
  CI_INDEX_ATTRIBUTES,
  CI_OWN_FIELDS,
  ciIndexKeys,
  ciPk,
  identifierClaimKey,
  relationshipSk,
} from './cmdb-keys.js';
import type { RelationshipRefusal, RelationshipWrite, StoredRelationship } from './cmdb-store.js';

/**
 * What a CMDB write changes, worked out once for both adapters (DynamoDB expressions here; the
 * in-memory adapter applies the same plan to its items), so the two cannot disagree on it.
 */

/** The CI item's own fields and index keys as a CI write sets them; bookkeeping is left alone. */
export function ciItemFields(ci: Ci): { set: Record<string, unknown>; remove: string[] } {
  const set: Record<string, unknown> = { ...ciIndexKeys(ci) };
  const remove: string[] = [];
  for (const field of CI_OWN_FIELDS) {
    if (ci[field] === undefined) remove.push(field);
    else set[field] = ci[field];
  }
  for (const attribute of CI_INDEX_ATTRIBUTES) if (!(attribute in set)) remove.push(attribute);
  return { set, remove };
}

/** The UpdateItem of a CI write: conditional on the version read, or on absence when creating. */
export function ciUpdate(before: Ci | undefined, after: Ci) {
  const { set, remove } = ciItemFields(after);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(set).map(([field, value], i) => {
    names[`#s${i}`] = field;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removes = remove.map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  let condition = 'attribute_not_exists(PK)';
  if (before) {
    names['#expected'] = 'version';
    values[':expected'] = before.version;
    condition = '#expected = :expected';
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export interface ClaimAction {
  readonly op: 'put' | 'delete';
  readonly claim: 'identifier' | 'assetTag';
  readonly value: string;
  readonly key: { PK: string; SK: string };
}

/** Claims a CI write takes (new identifiers, a new asset tag) and gives up (removed ones). */
export function claimActions(before: Ci | undefined, after: Ci): ClaimAction[] {
  const actions: ClaimAction[] = [];
  const had = new Set(before?.identifiers ?? []);
  const has = new Set(after.identifiers);
  for (const value of has)
    if (!had.has(value))
      actions.push({ op: 'put', claim: 'identifier', value, key: identifierClaimKey(value) });
  for (const value of had)
    if (!has.has(value))
      actions.push({ op: 'delete', claim: 'identifier', value, key: identifierClaimKey(value) });
  const oldTag = before?.asset.assetTag;
  const newTag = after.asset.assetTag;
  if (newTag !== oldTag) {
    if (newTag !== undefined)
      actions.push({ op: 'put', claim: 'assetTag', value: newTag, key: assetTagClaimKey(newTag) });
    if (oldTag !== undefined)
      actions.push({ op: 'delete', claim: 'assetTag', value: oldTag, key: assetTagClaimKey(oldTag) });
  }
  return actions;
}

/** One CI's part of a relationship write: counters moved, containment, and what must hold first. */
export interface CountChange {
  readonly ciId: string;
  readonly deltas: Readonly<Record<string, number>>;
  /** Add: the CI is not retired and the counter is below the limit. */
  readonly guard: 'add' | 'remove';
  readonly limitAttribute: string;
  /** `contains` on its target: set (add, only if absent) or cleared (remove). */
  readonly containedBy?: string;
  readonly expression: string;
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
  /** The refusal a failed condition means, from the item as it was. */
  refusal(item: Record<string, unknown> | undefined): RelationshipRefusal;
}

export interface RelationshipPlan {
  readonly op: 'add' | 'remove';
  readonly write: RelationshipWrite;
  readonly counts: readonly CountChange[];
  readonly history: readonly (readonly [string, CiHistoryEntry])[];
}

function countChange(
  op: 'add' | 'remove',
  ciId: string,
  direction: RelationshipDirection,
  type: RelationshipType,
  containerOf: string | undefined,
): CountChange {
  const sign = op === 'add' ? 1 : -1;
  const limitAttribute = direction === 'out' ? BOOKKEEPING.out : BOOKKEEPING.in;
  const deltas: Record<string, number> = { [limitAttribute]: sign };
  if (impactSide(type, direction) === 'U') deltas[BOOKKEEPING.impactIn] = sign;
  // DynamoDB refuses names and values an expression does not use: the guard's only on an add.
  const names: Record<string, string> =
    op === 'add' ? { '#status': 'status', '#limited': limitAttribute } : {};
  const values: Record<string, unknown> = {};
  const adds = Object.entries(deltas).map(([attribute, delta], i) => {
    names[`#c${i}`] = attribute;
    values[`:c${i}`] = delta;
    return `#c${i} :c${i}`;
  });
  let expression = `ADD ${adds.join(', ')}`;
  let condition = 'attribute_exists(PK)';
  if (op === 'add') {
    values[':retired'] = 'retired';
    values[':limit'] = CMDB_LIMITS.relationshipsPerDirection;
    condition += ' AND #status <> :retired AND (attribute_not_exists(#limited) OR #limited < :limit)';
  }
  if (containerOf !== undefined) {
    names['#container'] = BOOKKEEPING.containedBy;
    if (op === 'add') {
      values[':container'] = containerOf;
      expression += ' SET #container = :container';
      condition += ' AND attribute_not_exists(#container)';
    } else {
      expression += ' REMOVE #container';
    }
  }
  return {
    ciId,
    deltas,
    guard: op,
    limitAttribute,
    ...(containerOf !== undefined && { containedBy: containerOf }),
    expression,
    condition,
    names,
    values,
    refusal: (item) => {
      if (!item) return { kind: 'changed' };
      if (item.status === 'retired') return { kind: 'retired', ciId };
      const counts = bookkeepingOf(item);
      if (containerOf !== undefined && counts.containedBy !== null)
        return { kind: 'contained', containedBy: counts.containedBy };
      if (Number(item[limitAttribute] ?? 0) >= CMDB_LIMITS.relationshipsPerDirection)
        return { kind: 'limit', ciId };
      return { kind: 'changed' };
    },
  };
}

/** Both sides of a relationship write: items, counters and histories (source first). */
export function relationshipPlan(write: RelationshipWrite, op: 'add' | 'remove'): RelationshipPlan {
  const { source, type, target } = write.relationship;
  const container = type === 'contains' ? source : undefined;
  return {
    op,
    write,
    counts: [countChange(op, source, 'out', type, undefined), countChange(op, target, 'in', type, container)],
    history: [
      [source, write.history[0]],
      [target, write.history[1]],
    ],
  };
}

/** The two relationship items, source side first. */
export function relationshipItems(plan: RelationshipPlan): Record<string, unknown>[] {
  const { source, type, target, createdAt, createdBy } = plan.write.relationship;
  const side = (ciId: string, direction: RelationshipDirection, otherId: string) => ({
    PK: ciPk(ciId),
    SK: relationshipSk(type, direction, otherId),
    type,
    direction,
    otherId,
    createdAt,
    createdBy,
  });
  return [side(source, 'out', target), side(target, 'in', source)];
}

export function storedRelationshipFrom(item: Record<string, unknown>): StoredRelationship {
  const type = item.type as RelationshipType;
  const direction = item.direction as RelationshipDirection;
  return {
    type,
    label: labelFor(type, direction),
    direction,
    ciId: String(item.otherId),
    createdAt: String(item.createdAt),
    createdBy: String(item.createdBy),
  };
}

export function graphNodeFrom(item: Record<string, unknown>): GraphNode {
  return {
    id: String(item.id),
    class: String(item.class),
    name: String(item.name),
    criticality: item.criticality as GraphNode['criticality'],
    status: String(item.status),
    redundancy: (item.redundancy as GraphNode['redundancy']) ?? null,
    impactInDegree: bookkeepingOf(item).impactIn,
    serviceFamily: isServiceClass(String(item.class)),
  };
}
