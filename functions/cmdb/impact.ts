import type { GraphEdge, GraphNode, GraphReader, ImpactDirection } from './graph.js';

/**
 * Impact analysis over the CMDB graph: a pure, level-synchronous breadth-first walk through the
 * `GraphReader` port (no AWS here — the same code runs over DynamoDB and in memory).
 *
 * Downstream from a failed set S (the roots):
 * 1. Breadth-first along impact edges; `level` is the shortest hop count from S; S is not in `nodes`.
 * 2. A CI without `redundancy` is impacted as soon as any impacted CI (S included) has an impact edge into it.
 * 3. A CI with `redundancy` has k = `impactInDegree` inputs, minUp = `minUp` (count) or k × minUp / 100
 *    (percent, not rounded), threshold = max(0, k − minUp); it is impacted when its impacted arrivals exceed
 *    the threshold. Arrivals accumulate across waves (an arrival at level 1 and one at level 3 both count) and
 *    the CI is enqueued in the wave its count first crosses, at that wave's level + 1. A CI reached but never
 *    crossing is reported in `absorbed`. `redundancy: false` applies rule 2 everywhere.
 * 4. The walk stops at `depth` and at the node cap; retired CIs are not followed unless `includeRetired`.
 * Upstream from r: the reverse walk — every CI whose failure could impact r (root-cause candidates), rule 2
 * everywhere, `absorbed` empty.
 *
 * Each wave costs one `edges()` call for the frontier and at most one `nodes()` call for the ids it sees for
 * the first time; the roots are read first (one `nodes()` call). So `waves ≤ depth + 1` and
 * `readerCalls ≤ 2 × waves + 1`.
 */

export const DEFAULT_IMPACT_NODE_CAP = 2_000;

const RETIRED = 'retired';

export interface ImpactRequest {
  readonly roots: readonly string[];
  readonly direction: ImpactDirection;
  /** Maximum level (hop count) reported; 0 reports nothing but `depthLimitReached`. */
  readonly depth: number;
  /** Apply CI redundancy (downstream only). */
  readonly redundancy: boolean;
  readonly includeRetired: boolean;
  /** Maximum number of `nodes` (roots excluded); default 2,000. */
  readonly nodeCap?: number;
}

export interface ImpactNode {
  id: string;
  class: string;
  name: string;
  criticality: GraphNode['criticality'];
  status: string;
  level: number;
  /** The CI it was reached from (a root or a CI of a lower level); see `analyseImpact` on redundant CIs. */
  via: string;
}

/** A redundant CI that impacted CIs reached without its threshold being exceeded. */
export interface AbsorbedNode {
  id: string;
  impactedArrivals: number;
  threshold: number;
}

export interface ImpactService {
  id: string;
  name: string;
  criticality: GraphNode['criticality'];
  level: number;
}

export interface ImpactResult {
  direction: ImpactDirection;
  /** The roots walked from, sorted: the requested ids present in the graph (and not retired, unless `includeRetired`). */
  roots: string[];
  depth: number;
  /** Whether redundancy was applied: the request's flag downstream, always false upstream. */
  redundancy: boolean;
  /** Sorted by level, then id. */
  nodes: ImpactNode[];
  /** Sorted by id. */
  absorbed: AbsorbedNode[];
  /** The service-family subset of `nodes`, same order. */
  services: ImpactService[];
  /** Impact edges traversed between CIs of the result (roots included), as stored, deduplicated, sorted. */
  edges: GraphEdge[];
  depthLimitReached: boolean;
  truncated: boolean;
}

/** What the walk cost: the caller strips it from the HTTP body; the benchmark reports it. */
export interface WalkStats {
  /** `edges()` calls, one per level expanded (the depth check included). */
  waves: number;
  readerCalls: number;
  edgesRead: number;
  nodesRead: number;
}

interface Arrival {
  readonly source: string;
  readonly target: string;
}

interface Pending {
  /** The first impacted CI that reached it (earliest wave, then smallest id). */
  readonly via: string;
  readonly threshold: number;
  arrivals: number;
}

/**
 * Walk the graph from `request.roots` (see the module comment for the rules).
 *
 * Choices where the rules leave room:
 * - `via` is the CI a node was first reached from: within a wave the frontier is processed in id order, so
 *   it is the smallest-id CI of the previous level with an edge into it. For a redundant CI it is the first
 *   impacted CI that reached it (earliest wave, then smallest id) — not the one whose arrival crossed the
 *   threshold — so for a redundant CI crossing in a later wave `via`'s level may be below `level − 1`.
 * - An arrival is one impact edge (from, to, type) from an impacted CI, matching `impactInDegree` which
 *   counts edges; duplicates the reader returns are counted once.
 * - Arrivals from CIs at level = depth are not counted (those CIs are not expanded), nor are arrivals from
 *   CIs left out by the node cap.
 * - `depthLimitReached` is true when expanding the CIs at level = depth would have impacted at least one more
 *   CI: an impact edge from one of them to a followable CI outside the result (not missing, not retired
 *   unless includeRetired, and for a redundant CI one whose threshold those extra arrivals would cross).
 *   Edges back into the result (cycles) do not count. The check is one more wave: an `edges()` call for that
 *   frontier and a `nodes()` call for CIs it sees for the first time.
 * - The node cap: when a wave would take `nodes` past `nodeCap`, the smallest ids are kept up to the cap,
 *   `truncated` is set and the walk stops there (`depthLimitReached` is then not evaluated and stays false).
 * - Roots that are missing, or retired without includeRetired, are skipped (not walked from, not endpoints
 *   of `edges`); a requested root reached from another root is still a root, never in `nodes`.
 */
export async function analyseImpact(
  reader: GraphReader,
  request: ImpactRequest,
): Promise<{ result: ImpactResult; stats: WalkStats }> {
  const { direction, depth, includeRetired } = request;
  const nodeCap = request.nodeCap ?? DEFAULT_IMPACT_NODE_CAP;
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`depth must be an integer ≥ 0: ${depth}`);
  if (!Number.isInteger(nodeCap) || nodeCap < 0) {
    throw new RangeError(`nodeCap must be an integer ≥ 0: ${nodeCap}`);
  }
  const useRedundancy = direction === 'downstream' && request.redundancy;
  const stats: WalkStats = { waves: 0, readerCalls: 0, edgesRead: 0, nodesRead: 0 };

  /** Every id read so far; null when absent from the graph. */
  const known = new Map<string, GraphNode | null>();
  const readNodes = async (ids: readonly string[]): Promise<void> => {
    if (ids.length === 0) return;
    stats.readerCalls += 1;
    const found = await reader.nodes(ids);
    stats.nodesRead += found.size;
    for (const id of ids) known.set(id, found.get(id) ?? null);
  };
  const readEdges = async (ids: readonly string[]): Promise<Map<string, GraphEdge[]>> => {
    stats.waves += 1;
    stats.readerCalls += 1;
    const found = await reader.edges(ids, direction);
    for (const list of found.values()) stats.edgesRead += list.length;
    return found;
  };
  const followable = (id: string): GraphNode | undefined => {
    const node = known.get(id);
    return node && (includeRetired || node.status !== RETIRED) ? node : undefined;
  };
  const farEnd = (edge: GraphEdge): string => (direction === 'downstream' ? edge.to : edge.from);
  const redundancyOf = (node: GraphNode) => (useRedundancy ? node.redundancy : null);

  const requested = [...new Set(request.roots)];
  await readNodes(requested);
  const roots = requested.filter((id) => followable(id) !== undefined).sort(compare);
  const rootSet = new Set(roots);

  const impacted = new Map<string, { level: number; via: string }>();
  const inResult = (id: string) => rootSet.has(id) || impacted.has(id);
  /** Redundant CIs reached and not (yet) impacted. */
  const pending = new Map<string, Pending>();
  /** Every edge read from an expanded CI, by key. */
  const traversed = new Map<string, GraphEdge>();

  /**
   * One wave: the frontier's edges, then the CIs seen for the first time. The arrivals at followable CIs not
   * already in the result, in frontier (id) order then edge order; duplicate edges dropped.
   */
  const expand = async (
    frontier: readonly string[],
  ): Promise<{ arrivals: Arrival[]; edges: GraphEdge[] }> => {
    const byId = await readEdges(frontier);
    const seenEdges = new Set<string>();
    const edges: GraphEdge[] = [];
    const candidates: Arrival[] = [];
    for (const source of frontier) {
      for (const edge of [...(byId.get(source) ?? [])].sort(compareEdges)) {
        const key = edgeKey(edge);
        if (seenEdges.has(key)) continue;
        seenEdges.add(key);
        edges.push(edge);
        const target = farEnd(edge);
        if (!inResult(target)) candidates.push({ source, target });
      }
    }
    await readNodes([...new Set(candidates.map((a) => a.target))].filter((id) => !known.has(id)));
    return { arrivals: candidates.filter((a) => followable(a.target) !== undefined), edges };
  };

  let frontier = roots;
  let level = 0;
  let truncated = false;
  let depthLimitReached = false;
  while (frontier.length > 0) {
    const { arrivals, edges } = await expand(frontier);
    if (level >= depth) {
      depthLimitReached = wouldImpact(arrivals);
      break;
    }
    for (const edge of edges) traversed.set(edgeKey(edge), edge);
    const next = new Map<string, string>(); // id → via
    for (const { source, target } of arrivals) {
      const node = followable(target)!;
      const redundancy = redundancyOf(node);
      if (redundancy === null) {
        if (!next.has(target)) next.set(target, source);
        continue;
      }
      let entry = pending.get(target);
      if (entry === undefined) {
        entry = { via: source, threshold: thresholdOf(node.impactInDegree, redundancy), arrivals: 0 };
        pending.set(target, entry);
      }
      entry.arrivals += 1;
      if (entry.arrivals > entry.threshold && !next.has(target)) next.set(target, entry.via);
    }
    let ids = [...next.keys()].sort(compare);
    if (impacted.size + ids.length > nodeCap) {
      ids = ids.slice(0, nodeCap - impacted.size);
      truncated = true;
    }
    level += 1;
    for (const id of ids) {
      impacted.set(id, { level, via: next.get(id)! });
      pending.delete(id);
    }
    if (truncated) break;
    frontier = ids;
  }

  /** Whether the arrivals of one more wave would impact a CI (not committed: pending counts are untouched). */
  function wouldImpact(arrivals: readonly Arrival[]): boolean {
    const extra = new Map<string, number>();
    for (const { target } of arrivals) {
      const node = followable(target)!;
      const redundancy = redundancyOf(node);
      if (redundancy === null) return true;
      const count = (extra.get(target) ?? 0) + 1;
      extra.set(target, count);
      const prior = pending.get(target);
      const threshold = prior?.threshold ?? thresholdOf(node.impactInDegree, redundancy);
      if ((prior?.arrivals ?? 0) + count > threshold) return true;
    }
    return false;
  }

  const nodes: ImpactNode[] = [...impacted]
    .map(([id, { level, via }]) => {
      const node = known.get(id)!;
      return {
        id,
        class: node.class,
        name: node.name,
        criticality: node.criticality,
        status: node.status,
        level,
        via,
      };
    })
    .sort((a, b) => a.level - b.level || compare(a.id, b.id));
  const services: ImpactService[] = nodes
    .filter((n) => known.get(n.id)!.serviceFamily)
    .map(({ id, name, criticality, level }) => ({ id, name, criticality, level }));
  const absorbed: AbsorbedNode[] = [...pending]
    .filter(([, entry]) => entry.arrivals <= entry.threshold)
    .map(([id, entry]) => ({ id, impactedArrivals: entry.arrivals, threshold: entry.threshold }))
    .sort((a, b) => compare(a.id, b.id));
  const edges = [...traversed.values()]
    .filter((edge) => inResult(edge.from) && inResult(edge.to))
    .map(({ from, to, type }) => ({ from, to, type }))
    .sort(compareEdges);

  return {
    result: {
      direction,
      roots,
      depth,
      redundancy: useRedundancy,
      nodes,
      absorbed,
      services,
      edges,
      depthLimitReached,
      truncated,
    },
    stats,
  };
}

/** max(0, k − minUp), minUp a count or k × percent / 100 (not rounded). */
export function thresholdOf(k: number, redundancy: NonNullable<GraphNode['redundancy']>): number {
  const minUp = redundancy.unit === 'count' ? redundancy.minUp : (k * redundancy.minUp) / 100;
  return Math.max(0, k - minUp);
}

/** Code-unit order: deterministic whatever the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return compare(a.from, b.from) || compare(a.to, b.to) || compare(a.type, b.type);
}

function edgeKey(edge: GraphEdge): string {
  return JSON.stringify([edge.from, edge.to, edge.type]);
}
