import { stepFunctionsWorkflowFromEnv } from '../adapters/sfn/workflow-from-env.js';
import { createChangesHandler } from '../handlers/changes.js';
import { awsHttpDeps } from '../wiring/aws.js';

export const handler = createChangesHandler({ ...awsHttpDeps(), workflow: stepFunctionsWorkflowFromEnv() });
