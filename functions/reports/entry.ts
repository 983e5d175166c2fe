import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleReports, REPORTS_ENVIRONMENT } from './function.js';

const environment = parseEnvironment(REPORTS_ENVIRONMENT);
const lambda = new LambdaClient({});

export const handler = assembleReports(awsHttpDeps(environment), {
  timezone: environment.REPORTS_TIMEZONE,
  // An asynchronous invoke: the request answers 202 at once, the jobs function replays in the background.
  startRebuild: async (range) => {
    await lambda.send(
      new InvokeCommand({
        FunctionName: environment.REPORT_JOBS_FUNCTION,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ job: 'rebuild', ...range })),
      }),
    );
  },
});
