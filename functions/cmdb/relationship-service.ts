import { actorOf, type Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/store.js';
import { type Ci, type CiHistoryEntry, CMDB_LIMITS, isServiceClass } from './model.js';
import {
  type CiRelationship,
  isRelationshipType,
  type Relationship,
  type RelationshipType,
  resolveLabel,
} from './relationship-types.js';
import {
  type CmdbStore,
  type RelationshipFilter,
  RelationshipRefusedError,
  type RelationshipWrite,
} from './store/cmdb-store.js';

/** Deepest containment chain followed when checking for a cycle (racks in rooms in buildings...). */
const MAX_CONTAINMENT_DEPTH = 20;

export interface AddRelationshipInput {
  readonly type: string;
  readonly target: string;
}

/** Relationship use cases (docs/cmdb.md#relationships): add, remove, list, with the §11 rules. */
export class RelationshipService {
  constructor(
    private readonly store: CmdbStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  /** 201 with the new relationship, or `created: false` with the stored one (idempotent). */
  async add(
    caller: Caller,
    id: string,
    input: AddRelationshipInput,
  ): Promise<{ relationship: Relationship; created: boolean }> {
    if (!isRelationshipType(input.type))
      throw new ValidationError([{ path: 'type', message: `unknown relationship type ${input.type}` }]);
    if (input.target === id)
      throw new ValidationError([{ path: 'target', message: 'a CI cannot relate to itself' }]);
    const type = input.type;
    const [cis, existing] = await Promise.all([
      this.store.getCis([id, input.target]),
      this.store.getRelationship(id, type, 'out', input.target),
    ]);
    const source = cis.get(id);
    if (!source) throw new NotFoundError(`CI ${id} not found`);
    if (existing) {
      return {
        relationship: {
          source: id,
          type,
          target: input.target,
          createdAt: existing.createdAt,
          createdBy: existing.createdBy,
        },
        created: false,
      };
    }
    const target = cis.get(input.target);
    assertRelatable(source, target, type, input.target);
    if (type === 'contains') await this.assertNoContainmentCycle(id, input.target);
    const relationship: Relationship = {
      source: id,
      type,
      target: input.target,
      createdAt: this.clock.now().toISOString(),
      createdBy: caller.id,
    };
    try {
      const added = await this.store.addRelationship(
        this.write(caller, relationship, source, target!, 'added'),
      );
      if (!added) {
        const stored = await this.store.getRelationship(id, type, 'out', input.target);
        if (stored)
          return {
            relationship: { ...relationship, createdAt: stored.createdAt, createdBy: stored.createdBy },
            created: false,
          };
      }
      return { relationship, created: true };
    } catch (error) {
      if (error instanceof RelationshipRefusedError) throw refusalError(error, id);
      throw error;
    }
  }

  /** DELETE by the label as listed for `id` (its type, or the reverse label when `id` is the target). */
  async remove(caller: Caller, id: string, label: string, otherId: string): Promise<void> {
    const resolved = resolveLabel(label);
    if (!resolved) throw new NotFoundError(`CI ${id} has no ${label} relationship with ${otherId}`);
    // The CIs and the relationship items in one parallel round.
    const [cis, ...held] = await Promise.all([
      this.store.getCis([id, otherId]),
      ...resolved.directions.map((direction) =>
        this.store.getRelationship(id, resolved.type, direction, otherId),
      ),
    ]);
    const self = cis.get(id);
    const other = cis.get(otherId);
    if (!self) throw new NotFoundError(`CI ${id} not found`);
    for (const [index, direction] of resolved.directions.entries()) {
      const stored = held[index];
      if (!stored || !other) continue;
      const [source, target] = direction === 'out' ? [self, other] : [other, self];
      const relationship: Relationship = {
        source: source.id,
        type: resolved.type,
        target: target.id,
        createdAt: stored.createdAt,
        createdBy: stored.createdBy,
      };
      if (await this.store.removeRelationship(this.write(caller, relationship, source, target, 'removed')))
        return;
    }
    throw new NotFoundError(`CI ${id} has no ${label} relationship with ${otherId}`);
  }

  /** The CI's relationships with the other CI's current name and class (one batch read per page). */
  async list(id: string, filter: RelationshipFilter, page: PageRequest): Promise<Page<CiRelationship>> {
    const [self, stored] = await Promise.all([
      this.store.getCi(id),
      this.store.listRelationships(id, filter, page),
    ]);
    if (!self) throw new NotFoundError(`CI ${id} not found`);
    const others = await this.store.getCis(stored.items.map((r) => r.ciId));
    return {
      ...stored,
      items: stored.items.map((r) => ({
        ...r,
        ciName: others.get(r.ciId)?.name ?? r.ciId,
        ciClass: others.get(r.ciId)?.class ?? 'unknown',
      })),
    };
  }

  /** A `contains` whose target already contains the source (at any depth) would close a loop. */
  private async assertNoContainmentCycle(source: string, target: string): Promise<void> {
    const above = await this.store.containers(source, MAX_CONTAINMENT_DEPTH);
    if (above.includes(target))
      throw new ConflictError(`${target} already contains ${source}`, { code: 'containment_cycle' });
  }

  private write(
    caller: Caller,
    relationship: Relationship,
    source: Ci,
    target: Ci,
    what: 'added' | 'removed',
  ): RelationshipWrite {
    const at = this.clock.now().toISOString();
    const triple = { source: relationship.source, type: relationship.type, target: relationship.target };
    const detailType = what === 'added' ? 'CI Relationship Added' : 'CI Relationship Removed';
    const action = what === 'added' ? 'relationship_added' : 'relationship_removed';
    const entry = (ci: Ci, withEvent: boolean): CiHistoryEntry => ({
      id: this.newId(),
      recordId: ci.id,
      at,
      actor: actorOf(caller),
      action,
      changes: [
        {
          field: 'relationships',
          from: what === 'added' ? null : triple,
          to: what === 'added' ? triple : null,
        },
      ],
      // One event per relationship, on the source's entry; the target's entry records it for its history.
      events: withEvent ? [{ detailType, detail: { ...triple } }] : [],
    });
    return { relationship, source, target, history: [entry(source, true), entry(target, false)] };
  }
}

/** §11's rules on the two ends, before any write. */
function assertRelatable(source: Ci, target: Ci | undefined, type: RelationshipType, targetId: string): void {
  if (source.status === 'retired')
    throw new UnprocessableError(`CI ${source.id} is retired`, 'retired_ci', [
      { path: '', message: 'the CI is retired' },
    ]);
  if (!target)
    throw new UnprocessableError(`No CI ${targetId}`, 'unknown_ci', [
      { path: 'target', message: `unknown CI ${targetId}` },
    ]);
  if (target.status === 'retired')
    throw new UnprocessableError(`CI ${targetId} is retired`, 'retired_ci', [
      { path: 'target', message: `CI ${targetId} is retired` },
    ]);
  if (isServiceClass(target.class) && !(type === 'depends_on' && isServiceClass(source.class)))
    throw new UnprocessableError(
      'A service may be the target only of depends_on from another service',
      'relationship_not_allowed',
      [{ path: 'target', message: 'a service may be the target only of depends_on from another service' }],
    );
}

function refusalError(error: RelationshipRefusedError, id: string): Error {
  const refusal = error.refusal;
  switch (refusal.kind) {
    case 'retired':
      return new UnprocessableError(`CI ${refusal.ciId} is retired`, 'retired_ci', [
        { path: refusal.ciId === id ? '' : 'target', message: `CI ${refusal.ciId} is retired` },
      ]);
    case 'limit':
      return new ConflictError(
        `CI ${refusal.ciId} has ${CMDB_LIMITS.relationshipsPerDirection} relationships in that direction`,
        {
          code: 'too_many_relationships',
          ciId: refusal.ciId,
          limit: CMDB_LIMITS.relationshipsPerDirection,
        },
      );
    case 'contained':
      return new ConflictError(`The target is already contained by ${refusal.containedBy}`, {
        code: 'already_contained',
        containedBy: refusal.containedBy,
      });
    default:
      return new ConflictError('One of the CIs changed while the relationship was written; retry');
  }
}
