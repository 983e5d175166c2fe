import { strictCiIdsFrom } from '../cmdb/strict-ci-ids.js';
import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { ALERTS_ENVIRONMENT, assembleAlerts } from './function.js';

const environment = parseEnvironment(ALERTS_ENVIRONMENT);

export const handler = assembleAlerts(awsHttpDeps(environment), {
  defaultGroup: environment.DEFAULT_GROUP,
  strictCiIds: strictCiIdsFrom(environment.CMDB_STRICT_CI_IDS),
  eventBridgeIntegration: environment.ALERTS_EVENTBRIDGE_INTEGRATION,
});
