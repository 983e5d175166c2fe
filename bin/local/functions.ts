import type { LocalFunctions } from './local-functions.js';

export type { AppDeps, LocalFunctions } from './local-functions.js';

export async function resolveFunctions(overrides: Partial<LocalFunctions> = {}): Promise<LocalFunctions> {
  if (overrides.http && overrides.streamPublisher && overrides.seed) {
    return { http: overrides.http, streamPublisher: overrides.streamPublisher, seed: overrides.seed };
  }
  const { defaultFunctions } = await import('./default-functions.js');
  return { ...defaultFunctions, ...overrides };
}
