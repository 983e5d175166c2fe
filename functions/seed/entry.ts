import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleSeed, SEED_ENVIRONMENT } from './function.js';

export const handler = assembleSeed(awsTableDeps(parseEnvironment(SEED_ENVIRONMENT)));
