import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleTickets, TICKETS_ENVIRONMENT } from './function.js';

export const handler = assembleTickets(awsHttpDeps(parseEnvironment(TICKETS_ENVIRONMENT)));
