import type { GraphReader } from './graph.js';
import { analyseImpact } from './impact.js';
import { CMDB_LIMITS } from './model.js';

/**
 * Service membership (the closure): the CIs whose failure could impact a service — its upstream set, walked
 * by the impact engine with depth ≤ 10 and ≤ 2,000 CIs, no redundancy, retired CIs not followed.
 */

/** Upstream walk bounds of a service's membership. */
export const MEMBERSHIP_DEPTH = CMDB_LIMITS.maxImpactDepth;
export const MEMBERSHIP_NODE_CAP = CMDB_LIMITS.impactNodeCap;

/**
 * The members of `serviceId`, sorted by id (the service itself excluded). `truncated` when the set may be
 * incomplete: the node cap was hit, or CIs beyond depth 10 would have been added. A service missing from the
 * graph (or retired) has no members.
 */
export async function serviceMembers(
  reader: GraphReader,
  serviceId: string,
): Promise<{ members: string[]; truncated: boolean }> {
  const { result } = await analyseImpact(reader, {
    roots: [serviceId],
    direction: 'upstream',
    depth: MEMBERSHIP_DEPTH,
    redundancy: false,
    includeRetired: false,
    nodeCap: MEMBERSHIP_NODE_CAP,
  });
  return {
    members: result.nodes.map((node) => node.id).sort(compare),
    truncated: result.truncated || result.depthLimitReached,
  };
}

/** What changed between two memberships, each list sorted. */
export function diffMembership(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): { added: string[]; removed: string[] } {
  return {
    added: [...after].filter((id) => !before.has(id)).sort(compare),
    removed: [...before].filter((id) => !after.has(id)).sort(compare),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
