import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import {
  assembleClosureMaintainer,
  assembleDrPostureMaintainer,
  CMDB_CLOSURES_ENVIRONMENT,
  createClosuresHandler,
} from './closures.function.js';

/**
 * Invoked by the EventBridge rule on CI events (lib/cmdb.ts): closures and the disaster-recovery
 * posture.
 */
const deps = awsTableDeps(parseEnvironment(CMDB_CLOSURES_ENVIRONMENT));
export const handler = createClosuresHandler(
  assembleClosureMaintainer(deps),
  assembleDrPostureMaintainer(deps),
);
