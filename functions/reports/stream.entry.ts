import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleReportsStream, REPORTS_STREAM_ENVIRONMENT } from './stream.function.js';

const environment = parseEnvironment(REPORTS_STREAM_ENVIRONMENT);

/** Invoked by the reports' event source mapping on the table stream, filtered to ticket and change items (lib/reports.ts). */
export const handler = assembleReportsStream(awsTableDeps(environment), environment.REPORTS_TIMEZONE);
