import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleSeed, SEED_ENVIRONMENT, seedOptionsFrom } from './function.js';

const env = parseEnvironment(SEED_ENVIRONMENT);
export const handler = assembleSeed(awsTableDeps(env), seedOptionsFrom(env));
