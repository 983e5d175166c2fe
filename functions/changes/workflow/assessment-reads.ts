import { analyseImpact } from '../../cmdb/impact.js';
import { type Ci, type Criticality, isServiceClass } from '../../cmdb/model.js';
import { type ChangeCmdb, isLiveBusinessService } from '../change-cmdb.js';
import type { ConflictLinks } from '../conflicts.js';
import type { Change, FreezeWindow, ImpactedService } from '../model.js';
import type { CmdbRiskFacts } from '../risk.js';
import type { ChangeStore, FreezeWindowStore } from '../store/change-store.js';
import { MAX_WINDOW_DAYS } from './workflow-contract.js';

const DAY_MS = 86_400_000;

/**
 * Bounds of the assessment's reads (docs/changes.md#risk-conflicts-freeze-windows). Past them the
 * assessment goes on with what it read; links beyond are not found (conflicts are advisory):
 * - the live business services searched for `shared_service` (and recorded as the change's
 *   per-service items): the 20 most critical, then by id, one key range each;
 * - the CIs one impact edge away searched for `related_ci`: 2,000 (by id), one key range each,
 *   16 in flight (relationships are capped at 500 per CI and direction, so 20 CIs could name 20,000);
 * - the impacted services recorded on the change: the 100 nearest (by level, then id).
 */
export const MAX_CONFLICT_SERVICES = 20;
export const MAX_RELATED_CIS = 2_000;
export const MAX_IMPACTED_SERVICES = 100;
/** Depth of the downstream impact analysis behind `impactedServices`. */
export const IMPACT_DEPTH = 5;

/** What the pure assessment rules take, read through the ports. */
export interface AssessmentInputs {
  /** In-flight candidates: changes with a window on the change's CIs, their neighbours or its services. */
  readonly others: readonly Change[];
  readonly links: ConflictLinks;
  readonly freezes: readonly FreezeWindow[];
  /** Every service (any class, any status) whose closure lists one of the change's CIs. */
  readonly closureServiceIds: readonly string[];
  readonly risk: CmdbRiskFacts;
  readonly impactedServices: readonly ImpactedService[];
  /** The live business services to record the change's per-service items under. */
  readonly services: readonly string[];
}

export interface AssessmentPorts {
  readonly changes: ChangeStore;
  readonly freezes: FreezeWindowStore;
  readonly cmdb: ChangeCmdb;
}

/**
 * The reads an assessment needs, in three waves: the CIs, the impact walk, the edges one hop
 * either way, the freeze windows and the windows on the change's CIs at once; then the services of
 * the closures and the windows on the neighbours; then the windows on the services; finally the
 * candidate changes (one batch read).
 */
export async function readAssessmentInputs(
  change: Change,
  ports: AssessmentPorts,
): Promise<AssessmentInputs> {
  const { changes, freezes, cmdb } = ports;
  const ciIds = change.ciIds;
  // Windows last at most MAX_WINDOW_DAYS: one starting earlier than that cannot overlap.
  const from = new Date(Date.parse(change.plannedStart) - MAX_WINDOW_DAYS * DAY_MS).toISOString();
  const to = change.plannedEnd;

  const [cis, impact, downstream, upstream, freezeWindows, onCis] = await Promise.all([
    cmdb.directory.cis(ciIds),
    analyseImpact(cmdb.graph, {
      roots: ciIds,
      direction: 'downstream',
      depth: IMPACT_DEPTH,
      redundancy: true,
      includeRetired: false,
    }),
    cmdb.graph.edges(ciIds, 'downstream'),
    cmdb.graph.edges(ciIds, 'upstream'),
    freezes.overlapping(change.plannedStart, change.plannedEnd),
    changes.windowsOnCis(ciIds, from, to),
  ]);

  const known = ciIds.map((id) => cis.get(id)).filter((ci): ci is Ci => ci !== undefined);
  const closure = new Set(known.flatMap((ci) => ci.closure.serviceIds));
  // A service named directly is affected itself, as if its own closure listed it (read already).
  const serviceCandidates = [...new Set([...closure, ...known.filter(isServiceCi).map((ci) => ci.id)])];
  const neighbours = neighboursOf(ciIds, [...downstream.values(), ...upstream.values()].flat());

  const [services, onNeighbours] = await Promise.all([
    cmdb.directory.services([...closure].filter((id) => !cis.has(id))),
    changes.windowsOnCis([...neighbours.keys()], from, to),
  ]);
  const live = serviceCandidates
    .map((id) => cis.get(id) ?? services.get(id))
    .filter(isLiveBusinessService)
    .sort((a, b) => a.criticality - b.criticality || compare(a.id, b.id));
  const searched = live.slice(0, MAX_CONFLICT_SERVICES).map((service) => service.id);
  const onServices = await changes.windowsOnServices(searched, from, to);

  const servicesOf = new Map<string, string[]>();
  for (const window of onServices) {
    const listed = servicesOf.get(window.changeId) ?? [];
    if (!listed.includes(window.serviceId)) listed.push(window.serviceId);
    servicesOf.set(window.changeId, listed);
  }
  const candidateIds = [
    ...new Set([...onCis, ...onNeighbours, ...onServices].map((window) => window.changeId)),
  ].filter((id) => id !== change.id);
  const others = candidateIds.length === 0 ? [] : await changes.getMany(candidateIds);

  return {
    others,
    links: { neighbours, services: live.map((service) => service.id), servicesOf },
    freezes: freezeWindows,
    closureServiceIds: [...closure].sort(compare),
    risk: {
      highestCriticality: highestCriticality(known),
      liveBusinessServices: live.length,
    },
    impactedServices: impact.result.services.slice(0, MAX_IMPACTED_SERVICES),
    services: searched,
  };
}

/**
 * The CIs one impact edge from `ciIds` (either way), each with the change's CIs it is next to; the
 * change's own CIs are left out (a change on one of them meets it on a shared CI already). At most
 * MAX_RELATED_CIS, by id.
 */
function neighboursOf(
  ciIds: readonly string[],
  edges: readonly { from: string; to: string }[],
): Map<string, string[]> {
  const mine = new Set(ciIds);
  const found = new Map<string, Set<string>>();
  for (const edge of edges) {
    for (const [own, other] of [
      [edge.from, edge.to],
      [edge.to, edge.from],
    ] as const) {
      if (!mine.has(own) || mine.has(other)) continue;
      const next = found.get(other) ?? new Set<string>();
      next.add(own);
      found.set(other, next);
    }
  }
  return new Map(
    [...found.keys()]
      .sort(compare)
      .slice(0, MAX_RELATED_CIS)
      .map((id) => [id, [...found.get(id)!].sort(compare)]),
  );
}

function isServiceCi(ci: Ci): boolean {
  return isServiceClass(ci.class);
}

function highestCriticality(cis: readonly Ci[]): Criticality | null {
  let best: Criticality | null = null;
  for (const ci of cis) if (best === null || ci.criticality < best) best = ci.criticality;
  return best;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
