import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import {
  assembleClosureMaintainer,
  CMDB_CLOSURES_ENVIRONMENT,
  createClosuresHandler,
} from './closures.function.js';

/** Invoked by the EventBridge rule on CI relationship, status and service events (lib/cmdb.ts). */
export const handler = createClosuresHandler(
  assembleClosureMaintainer(awsTableDeps(parseEnvironment(CMDB_CLOSURES_ENVIRONMENT))),
);
