import type { PipelineDeps } from './deps.js';

/** Settings of the HTTP pipeline from the parsed environment (no AWS client needed). */
export function pipelineSettings(env: {
  readonly CORS_ORIGINS: string;
  readonly GROUPS_CLAIM: string;
  /** Comma-separated; absent where no route takes a token (the public function). */
  readonly EMAIL_VERIFYING_ISSUERS?: string;
}): Omit<PipelineDeps, 'cursorKey'> {
  return {
    corsOrigins: commaList(env.CORS_ORIGINS),
    groupsClaim: env.GROUPS_CLAIM,
    emailVerifyingIssuers: commaList(env.EMAIL_VERIFYING_ISSUERS ?? ''),
  };
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
