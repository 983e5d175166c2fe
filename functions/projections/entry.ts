import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleProjections, PROJECTIONS_ENVIRONMENT } from './function.js';

const environment = parseEnvironment(PROJECTIONS_ENVIRONMENT);

/** Invoked by the projections' event source mapping on the table stream (lib/projections.ts). */
export const handler = assembleProjections(awsTableDeps(environment), environment.REPORTS_TIMEZONE);
