import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleReportJobs, REPORT_JOBS_ENVIRONMENT } from './jobs.function.js';

const environment = parseEnvironment(REPORT_JOBS_ENVIRONMENT);

/** Invoked asynchronously by the reports function (rebuild) and by the nightly schedule (snapshot). */
export const handler = assembleReportJobs(awsTableDeps(environment), environment.REPORTS_TIMEZONE);
