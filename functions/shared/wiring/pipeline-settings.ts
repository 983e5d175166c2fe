import type { PipelineDeps } from './deps.js';

/** Settings of the HTTP pipeline from the environment the CDK stack sets (no AWS client needed). */
export function pipelineSettings(): Omit<PipelineDeps, 'cursorKey'> {
  return {
    corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').filter(Boolean),
    groupsClaim: process.env.GROUPS_CLAIM ?? 'cognito:groups',
  };
}
