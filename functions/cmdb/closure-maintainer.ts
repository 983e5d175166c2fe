import type { Clock } from '../shared/clock/clock.js';
import { diffMembership, serviceMembers } from './closure.js';
import { analyseImpact } from './impact.js';
import { CMDB_LIMITS } from './model.js';
import { isRelationshipType, RELATIONSHIP_TYPE_INFO, type RelationshipType } from './relationship-types.js';
import type { CmdbStore } from './store/cmdb-store.js';

/** The events after which some service's membership may have changed (docs/cmdb.md#closures). */
export const CLOSURE_DETAIL_TYPES = [
  'CI Relationship Added',
  'CI Relationship Removed',
  'CI Status Changed',
  'Service Updated',
] as const;

/** The part of a bus event the maintainer reads. */
export interface ClosureEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface ClosureOutcome {
  /** Services whose membership was recomputed. */
  readonly services: readonly string[];
  /** CI closures changed (one membership add or removal each). */
  readonly changed: number;
}

/**
 * Keeps service memberships and each CI's `closure.serviceIds` in step with the graph, from the
 * events of relationship, status and service changes (on AWS an EventBridge rule invokes it; the
 * local runtime calls it as it publishes). A service's members are its upstream set; after a change
 * at some CIs the services that may be affected are those downstream of them now, plus those their
 * closures listed before (a removed edge no longer leads there). Each is recomputed whole and
 * diffed against its stored members, so a redelivered or reordered event changes nothing twice.
 * Derived bookkeeping: no history, no events.
 */
export class ClosureMaintainer {
  constructor(
    private readonly store: CmdbStore,
    private readonly clock: Clock,
  ) {}

  async onEvents(events: readonly ClosureEvent[]): Promise<ClosureOutcome> {
    const relevant = events.filter((event) =>
      (CLOSURE_DETAIL_TYPES as readonly string[]).includes(event.detailType),
    );
    // An added relationship only ever adds members: the cheap path, walking from the new edge alone.
    if (relevant.length > 0 && relevant.every((event) => event.detailType === 'CI Relationship Added')) {
      let changed = 0;
      const services = new Set<string>();
      for (const event of relevant) {
        const outcome = await this.onAdded(event.detail);
        changed += outcome.changed;
        for (const id of outcome.services) services.add(id);
      }
      return { services: [...services].sort(), changed };
    }
    const touched = new Set<string>();
    for (const event of relevant) {
      for (const key of ['source', 'target', 'ciId'] as const) {
        const value = event.detail[key];
        if (typeof value === 'string') touched.add(value);
      }
    }
    if (touched.size === 0) return { services: [], changed: 0 };
    return this.recompute([...touched]);
  }

  /**
   * An impact edge `from ⇒ to` was added: every service that `to` belongs to (or is) gains `from`
   * and everything upstream of it that it did not have. Costs a walk over what is new, not over
   * the service. (The walk is bounded at the membership depth from `from`, so in a graph deeper
   * than that a member may sit a little past the bound a full recompute keeps; the next removal or
   * status change recomputes the service whole.)
   */
  private async onAdded(detail: Record<string, unknown>): Promise<ClosureOutcome> {
    const edge = impactEdgeOf(detail);
    if (!edge) return { services: [], changed: 0 };
    const [ends, upstream, still] = await Promise.all([
      this.store.getCis([edge.to]),
      serviceMembers(this.store.graph(), edge.from),
      this.store.getRelationship(edge.source, edge.type, 'out', edge.target),
    ]);
    const to = ends.get(edge.to);
    // Removed again since (events may arrive out of order): the removal's recompute decides.
    if (!to || !still) return { services: [], changed: 0 };
    const services = new Set(to.closure.serviceIds);
    if (to.service && to.status !== 'retired' && to.service.portfolioStatus !== 'retired')
      services.add(to.id);
    const candidates = new Set([edge.from, ...upstream.members]);
    const at = this.clock.now().toISOString();
    let changed = 0;
    for (const serviceId of [...services].sort()) {
      const stored = await this.store.serviceMembers(serviceId);
      const added = [...candidates].filter((id) => id !== serviceId && !stored.has(id)).sort();
      if (added.length === 0) continue;
      await this.store.applyServiceMembership(
        serviceId,
        { added, removed: [], truncated: upstream.truncated },
        at,
      );
      changed += added.length;
    }
    return { services: [...services].sort(), changed };
  }

  async recompute(ciIds: readonly string[]): Promise<ClosureOutcome> {
    const [cis, downstream] = await Promise.all([
      this.store.getCis(ciIds),
      analyseImpact(this.store.graph(), {
        roots: ciIds,
        direction: 'downstream',
        depth: CMDB_LIMITS.maxImpactDepth,
        redundancy: false,
        includeRetired: true,
      }),
    ]);
    const services = new Set<string>();
    for (const service of downstream.result.services) services.add(service.id);
    for (const ci of cis.values()) {
      for (const id of ci.closure.serviceIds) services.add(id);
      if (ci.service) services.add(ci.id);
    }
    let changed = 0;
    const at = this.clock.now().toISOString();
    for (const serviceId of [...services].sort()) changed += await this.recomputeService(serviceId, at);
    return { services: [...services].sort(), changed };
  }

  /** One service: its members now against those stored; a retired or missing service has none. */
  private async recomputeService(serviceId: string, at: string): Promise<number> {
    const [service, stored] = await Promise.all([
      this.store.getCi(serviceId),
      this.store.serviceMembers(serviceId),
    ]);
    const alive =
      service?.service !== undefined &&
      service.status !== 'retired' &&
      service.service.portfolioStatus !== 'retired';
    const now = alive
      ? await serviceMembers(this.store.graph(), serviceId)
      : { members: [], truncated: false };
    const { added, removed } = diffMembership(stored, new Set(now.members));
    if (added.length === 0 && removed.length === 0) return 0;
    await this.store.applyServiceMembership(serviceId, { added, removed, truncated: now.truncated }, at);
    return added.length + removed.length;
  }
}

/** The impact edge a relationship carries (`from` fails ⇒ `to` is impacted), if any. */
function impactEdgeOf(
  detail: Record<string, unknown>,
): { from: string; to: string; source: string; type: RelationshipType; target: string } | undefined {
  const { source, type, target } = detail;
  if (typeof source !== 'string' || typeof target !== 'string' || typeof type !== 'string') return undefined;
  if (!isRelationshipType(type)) return undefined;
  const flow = RELATIONSHIP_TYPE_INFO[type].impact;
  if (flow === 'none') return undefined;
  const ends = flow === 'target_to_source' ? { from: target, to: source } : { from: source, to: target };
  return { ...ends, source, type, target };
}
