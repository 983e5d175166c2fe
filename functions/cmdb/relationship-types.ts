/**
 * The fixed relationship types (docs/cmdb.md#relationships). An impact edge `X ⇒ Y` means: if X
 * fails, Y is impacted. `impact` says which way a relationship `source —type→ target` carries it.
 */
export const RELATIONSHIP_TYPES = [
  'depends_on',
  'runs_on',
  'hosted_on',
  'member_of',
  'contains',
  'connected_to',
  'backed_up_by',
] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

export type ImpactFlow = 'target_to_source' | 'source_to_target' | 'none';

export interface RelationshipTypeInfo {
  readonly type: RelationshipType;
  readonly reverseLabel: string;
  readonly impact: ImpactFlow;
  readonly description: string;
}

export const RELATIONSHIP_TYPE_INFO: Record<RelationshipType, RelationshipTypeInfo> = {
  depends_on: {
    type: 'depends_on',
    reverseLabel: 'used_by',
    impact: 'target_to_source',
    description:
      'The source needs the target to work (an application depends on its database; a service on an application).',
  },
  runs_on: {
    type: 'runs_on',
    reverseLabel: 'runs',
    impact: 'target_to_source',
    description: 'Software runs on a host (an application on a virtual machine).',
  },
  hosted_on: {
    type: 'hosted_on',
    reverseLabel: 'hosts',
    impact: 'target_to_source',
    description: 'A virtual machine or container is hosted on a hypervisor or cluster node.',
  },
  member_of: {
    type: 'member_of',
    reverseLabel: 'has_member',
    impact: 'source_to_target',
    description:
      "A node belongs to a cluster or pool; the target's `redundancy` says how many members may fail.",
  },
  contains: {
    type: 'contains',
    reverseLabel: 'contained_by',
    impact: 'source_to_target',
    description: 'Physical containment (a rack contains a server); a CI has at most one container.',
  },
  connected_to: {
    type: 'connected_to',
    reverseLabel: 'connected_to',
    impact: 'none',
    description: 'A network link; carries no impact.',
  },
  backed_up_by: {
    type: 'backed_up_by',
    reverseLabel: 'backs_up',
    impact: 'none',
    description: 'The source is backed up by the target (disaster-recovery posture); carries no impact.',
  },
};

export function isRelationshipType(value: string): value is RelationshipType {
  return (RELATIONSHIP_TYPES as readonly string[]).includes(value);
}

/** Which side of a relationship a CI is on. */
export type RelationshipDirection = 'out' | 'in';

/**
 * How a relationship reads from one CI: `D` the other CI is impacted if this one fails, `U` this
 * one is impacted if the other fails, `N` no impact. Stored in the item's sort key, so a walk reads
 * one key range per CI and direction.
 */
export type ImpactSide = 'D' | 'U' | 'N';

export function impactSide(type: RelationshipType, direction: RelationshipDirection): ImpactSide {
  const flow = RELATIONSHIP_TYPE_INFO[type].impact;
  if (flow === 'none') return 'N';
  const sourceFails = flow === 'source_to_target';
  // The source's item reads D when the target is impacted by the source failing.
  return (direction === 'out') === sourceFails ? 'D' : 'U';
}

/** The label a relationship is listed under from one side: its type, or its reverse label. */
export function labelFor(type: RelationshipType, direction: RelationshipDirection): string {
  return direction === 'out' ? type : RELATIONSHIP_TYPE_INFO[type].reverseLabel;
}

/**
 * What `{type}` in DELETE /cis/{id}/relationships/{type}/{target} names: a type (the CI is the
 * source; a symmetric type either side) or a reverse label (the CI is the target).
 */
export function resolveLabel(
  label: string,
): { type: RelationshipType; directions: readonly RelationshipDirection[] } | undefined {
  if (isRelationshipType(label)) {
    return {
      type: label,
      directions: RELATIONSHIP_TYPE_INFO[label].reverseLabel === label ? ['out', 'in'] : ['out'],
    };
  }
  const reversed = RELATIONSHIP_TYPES.find((type) => RELATIONSHIP_TYPE_INFO[type].reverseLabel === label);
  return reversed ? { type: reversed, directions: ['in'] } : undefined;
}

/** One relationship as a CI lists it. */
export interface CiRelationship {
  readonly type: RelationshipType;
  readonly label: string;
  readonly direction: RelationshipDirection;
  readonly ciId: string;
  readonly ciName: string;
  readonly ciClass: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** A relationship as created: `{source, type, target}` and when. */
export interface Relationship {
  readonly source: string;
  readonly type: RelationshipType;
  readonly target: string;
  readonly createdAt: string;
  readonly createdBy: string;
}
