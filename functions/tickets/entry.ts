import { strictCiIdsFrom } from '../cmdb/strict-ci-ids.js';
import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleTickets, TICKETS_ENVIRONMENT } from './function.js';

const env = parseEnvironment(TICKETS_ENVIRONMENT);
export const handler = assembleTickets(awsHttpDeps(env), {
  defaultGroup: env.DEFAULT_GROUP,
  strictCiIds: strictCiIdsFrom(env.CMDB_STRICT_CI_IDS),
});
