import { strictCiIdsFrom } from '../cmdb/strict-ci-ids.js';
import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleChanges, CHANGES_ENVIRONMENT } from './function.js';
import { stepFunctionsWorkflow } from './workflow/workflow-from-env.js';

const env = parseEnvironment(CHANGES_ENVIRONMENT);

export const handler = assembleChanges(
  { ...awsHttpDeps(env), workflow: stepFunctionsWorkflow(env) },
  { strictCiIds: strictCiIdsFrom(env.CMDB_STRICT_CI_IDS) },
);
