/**
 * The CMDB graph as the impact engine reads it (functions/cmdb/impact.ts): a read-only port, so the same
 * walk runs over DynamoDB (one Query per id for edges, BatchGetItem for nodes) and over an in-memory graph.
 * No AWS imports here or in the engine.
 */

/** `downstream`: what a failure impacts; `upstream`: what could have caused it (root-cause candidates). */
export type ImpactDirection = 'downstream' | 'upstream';

export interface GraphNode {
  id: string;
  class: string;
  name: string;
  criticality: 1 | 2 | 3 | 4;
  status: string;
  /** Redundant CIs (clusters, pools) stay up until more than `k − minUp` of their impact inputs fail. */
  redundancy: { minUp: number; unit: 'count' | 'percent' } | null;
  /** impact edges into this node (k) */
  impactInDegree: number;
  serviceFamily: boolean;
}

/** An impact edge: if `from` fails, `to` is impacted; `type` is the stored relationship type. */
export interface GraphEdge {
  from: string;
  to: string;
  type: string;
}

export interface GraphReader {
  /**
   * Impact edges leaving each id in the given direction (downstream: edges from id; upstream: edges into id,
   * returned with from/to as stored). One Query per id, ≤16 in flight in the DynamoDB adapter.
   */
  edges(ids: readonly string[], direction: ImpactDirection): Promise<Map<string, GraphEdge[]>>;
  /** Nodes by id (one BatchGetItem of ≤100 keys per call in DynamoDB); absent ids are missing from the map. */
  nodes(ids: readonly string[]): Promise<Map<string, GraphNode>>;
}
