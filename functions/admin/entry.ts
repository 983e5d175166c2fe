import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { ADMIN_ENVIRONMENT, assembleAdmin } from './function.js';

export const handler = assembleAdmin(awsHttpDeps(parseEnvironment(ADMIN_ENVIRONMENT)));
