import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleCsat, CSAT_ENVIRONMENT } from './function.js';

export const handler = assembleCsat(awsHttpDeps(parseEnvironment(CSAT_ENVIRONMENT)));
