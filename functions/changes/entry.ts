import { awsHttpDeps } from '../shared/wiring/aws.js';
import { createChangesHandler } from './http/handler.js';
import { stepFunctionsWorkflowFromEnv } from './workflow/workflow-from-env.js';

export const handler = createChangesHandler({ ...awsHttpDeps(), workflow: stepFunctionsWorkflowFromEnv() });
