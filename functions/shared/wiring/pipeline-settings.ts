import type { PipelineDeps } from './deps.js';

/** Settings of the HTTP pipeline from the parsed environment (no AWS client needed). */
export function pipelineSettings(env: {
  readonly CORS_ORIGINS: string;
  readonly GROUPS_CLAIM: string;
}): Omit<PipelineDeps, 'cursorKey'> {
  return {
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    groupsClaim: env.GROUPS_CLAIM,
  };
}
