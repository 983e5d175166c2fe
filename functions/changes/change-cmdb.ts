import { type CiDirectory, EMPTY_CI_DIRECTORY } from '../cmdb/ci-directory.js';
import type { GraphReader } from '../cmdb/graph.js';
import { type Ci, isLiveService } from '../cmdb/model.js';

/**
 * What changes ask the CMDB (docs/changes.md#risk-conflicts-freeze-windows), through its ports: the
 * CIs a change names and the services their closures list (`CiDirectory`), and the impact graph
 * (`GraphReader`) for the impacted services and the CIs one edge away. No table access here.
 */
export interface ChangeCmdb {
  readonly directory: CiDirectory;
  readonly graph: GraphReader;
}

const EMPTY_GRAPH: GraphReader = {
  edges: async () => new Map(),
  nodes: async () => new Map(),
};

/** A CMDB that knows nothing: every CI unknown, no edges, no services. */
export const NO_CMDB: ChangeCmdb = { directory: EMPTY_CI_DIRECTORY, graph: EMPTY_GRAPH };

/** A live business service (technical services support them; only business services count for changes). */
export function isLiveBusinessService(ci: Ci | undefined): ci is Ci {
  return ci !== undefined && ci.class === 'business_service' && isLiveService(ci);
}
