import type { FunctionName } from '../../functions/shared/http/routes.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { AppDeps } from '../../functions/shared/wiring/deps.js';
import type { LambdaHttpHandler } from './server.js';
import type { StreamHandler } from './stream-poller.js';

/**
 * What the local runtime runs: one factory per HTTP Lambda (ROUTES' `function` names), the stream
 * publisher and the seeding step. The defaults are the real ones (default-functions.ts); tests may
 * inject fakes.
 */
export interface LocalFunctions {
  readonly http: Readonly<Record<FunctionName, (deps: AppDeps) => LambdaHttpHandler>>;
  readonly streamPublisher: (deps: { bus: EventBus }) => StreamHandler;
  readonly seed: (deps: AppDeps) => Promise<void>;
}

export async function resolveFunctions(overrides: Partial<LocalFunctions> = {}): Promise<LocalFunctions> {
  if (overrides.http && overrides.streamPublisher && overrides.seed) {
    return { http: overrides.http, streamPublisher: overrides.streamPublisher, seed: overrides.seed };
  }
  const { defaultFunctions } = await import('./default-functions.js');
  return { ...defaultFunctions, ...overrides };
}
