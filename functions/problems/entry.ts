import { strictCiIdsFrom } from '../cmdb/strict-ci-ids.js';
import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleProblems, PROBLEMS_ENVIRONMENT } from './function.js';

const environment = parseEnvironment(PROBLEMS_ENVIRONMENT);

export const handler = assembleProblems(awsHttpDeps(environment), {
  strictCiIds: strictCiIdsFrom(environment.CMDB_STRICT_CI_IDS),
});
